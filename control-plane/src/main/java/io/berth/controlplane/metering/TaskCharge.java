package io.berth.controlplane.metering;

import java.math.BigDecimal;

import static java.util.Objects.requireNonNull;

/**
 * One task's line of a bill for a period.
 *
 * @param taskBilledSeconds the whole task's billed seconds (so far, for a running task)
 * @param billedSeconds the part of them inside the period
 * @param cost billedSeconds of the task's size at the price list (times its spot factor for a FARGATE_SPOT task), exact to
 * {@link BillingMath#MONEY_SCALE} places
 * @param usedCpuSeconds the task's CPU seconds, in the share of its billed time that falls in the period
 * (the agent reports usage per task, not per moment)
 */
public record TaskCharge(
        MeteredTask task,
        long taskBilledSeconds,
        long billedSeconds,
        BigDecimal vcpu,
        BigDecimal memoryGiB,
        BigDecimal cost,
        double usedCpuSeconds)
{
    public TaskCharge
    {
        requireNonNull(task, "task is null");
        requireNonNull(vcpu, "vcpu is null");
        requireNonNull(memoryGiB, "memoryGiB is null");
        requireNonNull(cost, "cost is null");
    }

    public static TaskCharge of(MeteredTask task, BillingPeriod period, java.time.Instant now, long minimumSeconds, PriceList prices)
    {
        long whole = BillingMath.taskBilledSeconds(task.pullStartedAt(), task.stoppedAt(), now, minimumSeconds);
        long inPeriod = BillingMath.secondsInPeriod(task.pullStartedAt(), whole, period.since(), period.until());
        BigDecimal vcpu = BillingMath.vcpu(task.cpu());
        BigDecimal memoryGiB = BillingMath.memoryGiB(task.memory());
        double share = whole == 0 ? 0 : (double) inPeriod / whole;
        BigDecimal cost = BillingMath.cost(inPeriod, vcpu, memoryGiB, prices, prices.factorFor(task.spot()));
        return new TaskCharge(task, whole, inPeriod, vcpu, memoryGiB, cost, task.cpuSeconds() * share);
    }

    public BigDecimal vcpuSeconds()
    {
        return vcpu.multiply(BigDecimal.valueOf(billedSeconds));
    }

    public BigDecimal gbSeconds()
    {
        return memoryGiB.multiply(BigDecimal.valueOf(billedSeconds));
    }
}
