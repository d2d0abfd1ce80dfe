package io.berth.controlplane;

import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.metering.MeteringConfig;
import io.berth.controlplane.network.TaskAddressPlan;
import io.berth.controlplane.quotas.AccountLimits;
import io.berth.controlplane.registry.RegistrySettings;

import java.nio.file.Path;
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
 * @param hostLostAfter a host whose agent has not synced for this long is marked LOST and its tasks STOPPED
 * @param placementTimeout how long a task waits in PROVISIONING for a host before it stops with TaskFailedToStart
 * @param taskAddressPlan the task CIDR and the prefix of each host's slice of it
 * @param defaultLimits the quotas of an account for which the operator set none (0: unlimited)
 * @param registry Berth's registry (address and token signing key), whose repositories the ECR API serves; null
 *        when this control plane runs none (no ECR API then)
 * @param secretsKeyFile the AES-256 key that seals secrets and parameters at rest (made, mode 0600, on first start);
 *        null for a key held in memory only, whose secrets die with the process (tests)
 * @param ingressAddresses where each load balancer's own address comes from: its listeners bind there on the ingress
 *        hosts, so two accounts' listeners on one port do not meet (default 127.77.0.0/16, loopback: this machine only)
 */
public record ControlPlaneConfig(
        String storeUrl,
        String region,
        Duration stoppedTaskRetention,
        Duration hostTimeout,
        Clock clock,
        MeteringConfig metering,
        Duration hostLostAfter,
        Duration placementTimeout,
        TaskAddressPlan taskAddressPlan,
        AccountLimits defaultLimits,
        RegistrySettings registry,
        Path secretsKeyFile,
        Ipv4Cidr ingressAddresses)
{
    public static final Ipv4Cidr DEFAULT_INGRESS_ADDRESSES = Ipv4Cidr.parse("127.77.0.0/16");

    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_STOPPED_TASK_RETENTION = Duration.ofHours(1);
    public static final Duration DEFAULT_HOST_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_HOST_LOST_AFTER = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PLACEMENT_TIMEOUT = Duration.ofMinutes(5);

    public ControlPlaneConfig
    {
        requireNonNull(storeUrl, "storeUrl is null");
        requireNonNull(region, "region is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        requireNonNull(hostTimeout, "hostTimeout is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(metering, "metering is null");
        requireNonNull(hostLostAfter, "hostLostAfter is null");
        requireNonNull(placementTimeout, "placementTimeout is null");
        requireNonNull(taskAddressPlan, "taskAddressPlan is null");
        requireNonNull(defaultLimits, "defaultLimits is null");
        requireNonNull(ingressAddresses, "ingressAddresses is null");
    }

    public ControlPlaneConfig(String storeUrl, String region, Duration stoppedTaskRetention, Duration hostTimeout, Clock clock, MeteringConfig metering)
    {
        this(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, DEFAULT_HOST_LOST_AFTER, DEFAULT_PLACEMENT_TIMEOUT, TaskAddressPlan.DEFAULT, AccountLimits.UNLIMITED, null, null, DEFAULT_INGRESS_ADDRESSES);
    }

    /**
     * Defaults for everything but the store: us-east-1, one hour of stopped tasks, 60 s host timeout, system
     * clock, Fargate us-east-1 prices with a one-minute minimum, hosts lost after 60 s of silence, tasks that
     * wait up to 5 minutes for a host, task addresses from 10.213.0.0/16 in a /24 per host, and no quotas.
     */
    public static ControlPlaneConfig of(String storeUrl)
    {
        return new ControlPlaneConfig(storeUrl, DEFAULT_REGION, DEFAULT_STOPPED_TASK_RETENTION, DEFAULT_HOST_TIMEOUT, Clock.systemUTC(), MeteringConfig.DEFAULTS);
    }

    public ControlPlaneConfig withRegion(String value)
    {
        return new ControlPlaneConfig(storeUrl, value, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withStoppedTaskRetention(Duration value)
    {
        return new ControlPlaneConfig(storeUrl, region, value, hostTimeout, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withHostTimeout(Duration value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, value, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withClock(Clock value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, value, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withMetering(MeteringConfig value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, value, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withHostLostAfter(Duration value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, value, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withTaskAddressPlan(TaskAddressPlan value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, placementTimeout, value, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withPlacementTimeout(Duration value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, value, taskAddressPlan, defaultLimits, registry, secretsKeyFile, ingressAddresses);
    }

    public ControlPlaneConfig withDefaultLimits(AccountLimits value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, value, registry, secretsKeyFile, ingressAddresses);
    }

    /** Seals secrets and parameters with the key in this file (made on first start). */
    public ControlPlaneConfig withSecretsKeyFile(Path value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, value, ingressAddresses);
    }

    /** Serves the ECR API for this registry, and mints registry logins for tasks' pulls. */
    public ControlPlaneConfig withRegistry(RegistrySettings value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, value, secretsKeyFile, ingressAddresses);
    }

    /** The range each load balancer's own address is taken from (see the ingressAddresses parameter). */
    public ControlPlaneConfig withIngressAddresses(Ipv4Cidr value)
    {
        return new ControlPlaneConfig(storeUrl, region, stoppedTaskRetention, hostTimeout, clock, metering, hostLostAfter, placementTimeout, taskAddressPlan, defaultLimits, registry, secretsKeyFile, value);
    }
}
