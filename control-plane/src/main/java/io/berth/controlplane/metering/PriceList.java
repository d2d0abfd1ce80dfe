package io.berth.controlplane.metering;

import java.math.BigDecimal;

import static java.util.Objects.requireNonNull;

/**
 * What a vCPU-hour and a GB-hour (GiB, as Fargate means it) cost, and where the prices come from. spotFactor is the
 * share of these prices a FARGATE_SPOT task pays (0 to 1; AWS's spot discount is up to 70%, hence 0.3 by default).
 */
public record PriceList(String label, String currency, BigDecimal perVcpuHour, BigDecimal perGbHour, BigDecimal spotFactor)
{
    public static final BigDecimal DEFAULT_SPOT_FACTOR = new BigDecimal("0.3");

    public static final PriceList FARGATE_US_EAST_1_LINUX_X86 = new PriceList(
            "AWS Fargate us-east-1 Linux/x86 list price",
            "USD",
            new BigDecimal("0.04048"),
            new BigDecimal("0.004445"),
            DEFAULT_SPOT_FACTOR);

    public PriceList
    {
        requireNonNull(label, "label is null");
        requireNonNull(currency, "currency is null");
        requireNonNull(perVcpuHour, "perVcpuHour is null");
        requireNonNull(perGbHour, "perGbHour is null");
        if (perVcpuHour.signum() < 0 || perGbHour.signum() < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
        requireNonNull(spotFactor, "spotFactor is null");
        if (spotFactor.signum() < 0 || spotFactor.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("the spot price factor must be between 0 and 1, got " + spotFactor.toPlainString());
        }
    }

    /** A list whose spot tasks pay the default factor. */
    public PriceList(String label, String currency, BigDecimal perVcpuHour, BigDecimal perGbHour)
    {
        this(label, currency, perVcpuHour, perGbHour, DEFAULT_SPOT_FACTOR);
    }

    public PriceList withSpotFactor(BigDecimal value)
    {
        return new PriceList(label, currency, perVcpuHour, perGbHour, value);
    }

    /** What share of the prices a task pays: spotFactor for a FARGATE_SPOT task, all of them otherwise. */
    public BigDecimal factorFor(boolean spot)
    {
        return spot ? spotFactor : BigDecimal.ONE;
    }

    /** The same list with other prices, labelled as set by the operator unless they equal these. */
    public PriceList withPrices(BigDecimal vcpuHour, BigDecimal gbHour)
    {
        if (vcpuHour.compareTo(perVcpuHour) == 0 && gbHour.compareTo(perGbHour) == 0) {
            return this;
        }
        return new PriceList("operator-set prices", currency, vcpuHour, gbHour, spotFactor);
    }

    /** The price of one task of this size for one hour, exact. */
    public BigDecimal hourlyRate(BigDecimal vcpu, BigDecimal memoryGiB)
    {
        return vcpu.multiply(perVcpuHour).add(memoryGiB.multiply(perGbHour));
    }
}
