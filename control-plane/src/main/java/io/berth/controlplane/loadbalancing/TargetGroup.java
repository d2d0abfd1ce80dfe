package io.berth.controlplane.loadbalancing;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A target group of type ip over HTTP: port is where targets listen unless a registration names another, and
 * deregistrationDelaySeconds how long a deregistered target is drained before it is removed.
 */
public record TargetGroup(String arn, String accountId, String name, int port, HealthCheck healthCheck, int deregistrationDelaySeconds, Instant createdAt)
{
    public static final int DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;

    public TargetGroup
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(healthCheck, "healthCheck is null");
        requireNonNull(createdAt, "createdAt is null");
        if (port < 1 || port > 65535) {
            throw LoadBalancingException.validation("Port must be between 1 and 65535, got " + port);
        }
        if (deregistrationDelaySeconds < 0 || deregistrationDelaySeconds > 3600) {
            throw LoadBalancingException.validation("deregistration_delay.timeout_seconds must be between 0 and 3600, got " + deregistrationDelaySeconds);
        }
    }

    public TargetGroup withDeregistrationDelaySeconds(int seconds)
    {
        return new TargetGroup(arn, accountId, name, port, healthCheck, seconds, createdAt);
    }
}
