package io.berth.controlplane.services;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The service controller's back-off after failing tasks: base * 2^(failures - 1), at most cap, before the next
 * launch. A base of a second lets a service that failed once come back at once, and one that keeps failing wait
 * minutes (5 at most) instead of spinning. settleTime is how long a task without a health check must be RUNNING to
 * count as healthy (see {@link ServiceTask#healthy}).
 */
public record ServiceControllerSettings(Duration backOffBase, Duration backOffCap, Duration settleTime)
{
    public static final ServiceControllerSettings DEFAULT = new ServiceControllerSettings(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(5));

    public ServiceControllerSettings
    {
        requireNonNull(settleTime, "settleTime is null");
        requireNonNull(backOffBase, "backOffBase is null");
        requireNonNull(backOffCap, "backOffCap is null");
        if (backOffBase.isNegative() || backOffCap.compareTo(backOffBase) < 0) {
            throw new IllegalArgumentException("back-off base must be >= 0 and cap >= base, got " + backOffBase + " and " + backOffCap);
        }
    }

    public Duration backOff(int consecutiveFailures)
    {
        if (consecutiveFailures <= 0) {
            return Duration.ZERO;
        }
        Duration delay = backOffBase.multipliedBy(1L << Math.min(consecutiveFailures - 1, 20));
        return delay.compareTo(backOffCap) > 0 ? backOffCap : delay;
    }
}
