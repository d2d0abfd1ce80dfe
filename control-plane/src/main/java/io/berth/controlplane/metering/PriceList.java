package io.berth.controlplane.metering;

import java.math.BigDecimal;

import static java.util.Objects.requireNonNull;

/**
 * What a vCPU-hour and a GB-hour (GiB, as Fargate means it) cost, and where the prices come from.
 */
public record PriceList(String label, String currency, BigDecimal perVcpuHour, BigDecimal perGbHour)
{
    public static final PriceList FARGATE_US_EAST_1_LINUX_X86 = new PriceList(
            "AWS Fargate us-east-1 Linux/x86 list price",
            "USD",
            new BigDecimal("0.04048"),
            new BigDecimal("0.004445"));

    public PriceList
    {
        requireNonNull(label, "label is null");
        requireNonNull(currency, "currency is null");
        requireNonNull(perVcpuHour, "perVcpuHour is null");
        requireNonNull(perGbHour, "perGbHour is null");
        if (perVcpuHour.signum() < 0 || perGbHour.signum() < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** The same list with other prices, labelled as set by the operator unless they equal these. */
    public PriceList withPrices(BigDecimal vcpuHour, BigDecimal gbHour)
    {
        if (vcpuHour.compareTo(perVcpuHour) == 0 && gbHour.compareTo(perGbHour) == 0) {
            return this;
        }
        return new PriceList("operator-set prices", currency, vcpuHour, gbHour);
    }

    /** The price of one task of this size for one hour, exact. */
    public BigDecimal hourlyRate(BigDecimal vcpu, BigDecimal memoryGiB)
    {
        return vcpu.multiply(perVcpuHour).add(memoryGiB.multiply(perGbHour));
    }
}
