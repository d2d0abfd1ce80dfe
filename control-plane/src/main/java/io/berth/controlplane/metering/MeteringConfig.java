package io.berth.controlplane.metering;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How tasks are billed.
 *
 * @param prices the price list
 * @param minimumBilledDuration every task is billed for at least this long (Fargate: one minute)
 */
public record MeteringConfig(PriceList prices, Duration minimumBilledDuration)
{
    public static final Duration DEFAULT_MINIMUM_BILLED_DURATION = Duration.ofMinutes(1);
    public static final MeteringConfig DEFAULTS = new MeteringConfig(PriceList.FARGATE_US_EAST_1_LINUX_X86, DEFAULT_MINIMUM_BILLED_DURATION);

    public MeteringConfig
    {
        requireNonNull(prices, "prices is null");
        requireNonNull(minimumBilledDuration, "minimumBilledDuration is null");
        if (minimumBilledDuration.isNegative()) {
            throw new IllegalArgumentException("minimumBilledDuration must not be negative");
        }
    }

    public MeteringConfig withPrices(PriceList value)
    {
        return new MeteringConfig(value, minimumBilledDuration);
    }

    public MeteringConfig withMinimumBilledDuration(Duration value)
    {
        return new MeteringConfig(prices, value);
    }

    /** The minimum in whole seconds, rounded up like every billed duration. */
    public long minimumBilledSeconds()
    {
        return BillingMath.secondsRoundedUp(minimumBilledDuration.toMillis());
    }
}
