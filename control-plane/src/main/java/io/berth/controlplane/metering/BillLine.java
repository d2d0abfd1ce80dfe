package io.berth.controlplane.metering;

import java.math.BigDecimal;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One line of a bill: the tasks of one key (a task ARN, a family, a service, a cluster, or every task for
 * the total) in one account (null: several accounts). Every sum is taken from the per-task figures, so
 * lines add up exactly to the total.
 */
public record BillLine(String accountId, String key, List<TaskCharge> charges)
{
    public BillLine
    {
        requireNonNull(key, "key is null");
        charges = List.copyOf(charges);
    }

    public int taskCount()
    {
        return charges.size();
    }

    public long billedSeconds()
    {
        return charges.stream().mapToLong(TaskCharge::billedSeconds).sum();
    }

    public BigDecimal vcpuSeconds()
    {
        return charges.stream().map(TaskCharge::vcpuSeconds).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public BigDecimal gbSeconds()
    {
        return charges.stream().map(TaskCharge::gbSeconds).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public BigDecimal cost()
    {
        return BillingMath.money(charges.stream().map(TaskCharge::cost).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    public double usedCpuSeconds()
    {
        return charges.stream().mapToDouble(TaskCharge::usedCpuSeconds).sum();
    }

    /** Average memory, each task weighted by its billed seconds in the period. */
    public double avgMemoryMiB()
    {
        long seconds = billedSeconds();
        if (seconds == 0) {
            return charges.stream().mapToDouble(charge -> charge.task().avgMemoryMiB()).max().orElse(0);
        }
        return charges.stream().mapToDouble(charge -> charge.task().avgMemoryMiB() * charge.billedSeconds()).sum() / seconds;
    }

    public double peakMemoryMiB()
    {
        return charges.stream().mapToDouble(charge -> charge.task().peakMemoryMiB()).max().orElse(0);
    }

    /** CPU seconds used over vCPU-seconds paid for. */
    public double cpuUtilisation()
    {
        double paid = vcpuSeconds().doubleValue();
        return paid == 0 ? 0 : usedCpuSeconds() / paid;
    }

    /** Average memory used over memory paid for, each task weighted by its billed seconds. */
    public double memoryUtilisation()
    {
        double paid = charges.stream().mapToDouble(charge -> (double) charge.task().memory() * charge.billedSeconds()).sum();
        double used = charges.stream().mapToDouble(charge -> charge.task().avgMemoryMiB() * charge.billedSeconds()).sum();
        return paid == 0 ? 0 : used / paid;
    }
}
