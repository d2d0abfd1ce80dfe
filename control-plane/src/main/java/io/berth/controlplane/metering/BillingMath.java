package io.berth.controlplane.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * The arithmetic of a Fargate-style bill, exact. A task's billed time is its run (image pull start to
 * stop) rounded up to the whole second, and at least the minimum. Those billed seconds are laid out from
 * the pull start, second after second (the minimum extends them past the stop), and a period bills the
 * seconds that begin inside it: adjacent periods therefore split a task without losing or doubling a
 * second, and the minimum is charged once, where the task ran.
 */
public final class BillingMath
{
    /** Money is kept to 10 decimal places (a ten-thousandth of a millionth of a dollar) and rounded only for display. */
    public static final int MONEY_SCALE = 10;

    private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
    private static final BigDecimal UNITS_PER_VCPU = BigDecimal.valueOf(1024);
    private static final BigDecimal MIB_PER_GIB = BigDecimal.valueOf(1024);

    private BillingMath() {}

    public static long secondsRoundedUp(long millis)
    {
        return millis <= 0 ? 0 : Math.ceilDiv(millis, 1000L);
    }

    /** The whole task's billed seconds: its run so far (to now while it runs), rounded up, at least the minimum. */
    public static long taskBilledSeconds(Instant pullStartedAt, Instant stoppedAt, Instant now, long minimumSeconds)
    {
        Instant end = stoppedAt != null ? stoppedAt : now;
        long run = secondsRoundedUp(Duration.between(pullStartedAt, end).toMillis());
        return Math.max(run, minimumSeconds);
    }

    /**
     * How many of a task's billed seconds begin in [since, until); null bounds are open. Second s (from 0)
     * begins at pullStartedAt + s.
     */
    public static long secondsInPeriod(Instant pullStartedAt, long taskBilledSeconds, Instant since, Instant until)
    {
        long first = since == null ? 0 : Math.max(0, ceilSeconds(Duration.between(pullStartedAt, since).toMillis()));
        long end = until == null ? taskBilledSeconds : Math.min(taskBilledSeconds, ceilSeconds(Duration.between(pullStartedAt, until).toMillis()));
        return Math.max(0, end - first);
    }

    /** vCPUs of a task with cpu ECS units (1024 = 1 vCPU), exact: 256 is 0.25. */
    public static BigDecimal vcpu(int cpuUnits)
    {
        // dividing by a power of two always terminates
        return BigDecimal.valueOf(cpuUnits).divide(UNITS_PER_VCPU).stripTrailingZeros();
    }

    /** GiB of a task with memory MiB, exact: 512 is 0.5. */
    public static BigDecimal memoryGiB(int memoryMiB)
    {
        return BigDecimal.valueOf(memoryMiB).divide(MIB_PER_GIB).stripTrailingZeros();
    }

    /** billedSeconds of a task of this size: seconds x (vCPU x vCPU-hour price + GiB x GB-hour price) / 3600. */
    public static BigDecimal cost(long billedSeconds, BigDecimal vcpu, BigDecimal memoryGiB, PriceList prices)
    {
        return cost(billedSeconds, vcpu, memoryGiB, prices, BigDecimal.ONE);
    }

    /** The cost at a share of the prices (a spot task's factor), rounded once at the end. */
    public static BigDecimal cost(long billedSeconds, BigDecimal vcpu, BigDecimal memoryGiB, PriceList prices, BigDecimal factor)
    {
        return BigDecimal.valueOf(billedSeconds)
                .multiply(prices.hourlyRate(vcpu, memoryGiB))
                .multiply(factor)
                .divide(SECONDS_PER_HOUR, MONEY_SCALE, RoundingMode.HALF_UP);
    }

    public static BigDecimal money(BigDecimal value)
    {
        return value.setScale(MONEY_SCALE, RoundingMode.HALF_UP);
    }

    private static long ceilSeconds(long millis)
    {
        return Math.ceilDiv(millis, 1000L);
    }
}
