package io.berth.controlplane;

import io.berth.controlplane.metering.MeteringConfig;

import java.time.Clock;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How to run the control plane.
 *
 * @param storeUrl jdbc:sqlite:/path/berth.db (embedded) or jdbc:postgresql://host:port/db?user=..&password=..
 * @param region the region in every ARN the control plane makes
 * @param stoppedTaskRetention how long a STOPPED task stays describable before {@link ControlPlane#purgeExpired()} forgets it
 * @param hostTimeout a host whose agent has not synced for this long gets no new tasks
 * @param metering prices and the minimum billed duration
 */
public record ControlPlaneConfig(String storeUrl, String region, Duration stoppedTaskRetention, Duration hostTimeout, Clock clock, MeteringConfig metering)
{
    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_STOPPED_TASK_RETENTION = Duration.ofHours(1);
    public static final Duration DEFAULT_HOST_TIMEOUT = Duration.ofSeconds(60);

    public ControlPlaneConfig
    {
        requireNonNull(storeUrl, "storeUrl is null");
        requireNonNull(region, "region is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        requireNonNull(hostTimeout, "hostTimeout is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(metering, "metering is null");
    }

    /**
     * Defaults for everything but the store: us-east-1, one hour of stopped tasks, 60 s host timeout, system
     * clock, Fargate us-east-1 prices with a one-minute minimum.
     */
    public static ControlPlaneConfig of(String storeUrl)
    {
        return new ControlPlaneConfig(storeUrl, DEFAULT_REGION, DEFAULT_STOPPED_TASK_RETENTION, DEFAULT_HOST_TIMEOUT, Clock.systemUTC(), MeteringConfig.DEFAULTS);
    }

    public ControlPlaneConfig withRegion(String value)
    {
        return new ControlPlaneConfig(storeUrl, value, stoppedTaskRetention, hostTimeout, clock, metering);
    }

    public ControlPlaneConfig withStoppedTaskRetention(Duration value)
    {
        return new ControlPlaneConfig(storeUrl, region, value, hostTimeout, clock, metering);
    }

    public ControlPlaneConfig withHostTimeout(Duration value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, value, clock, metering);
    }

    public ControlPlaneConfig withClock(Clock value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, value, metering);
    }

    public ControlPlaneConfig withMetering(MeteringConfig value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, value);
    }
}
