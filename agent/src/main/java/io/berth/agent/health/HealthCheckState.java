package io.berth.agent.health;

import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.common.agentprotocol.HealthStatus;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Where one container's health check stands, as Docker and ECS count it: UNKNOWN until a check passes, HEALTHY after
 * a pass (which also resets the failures), UNHEALTHY after retries consecutive failures. A failure of a check that
 * began within the start period after the container started does not count, unless a check has passed already.
 * Immutable; pure, so that tests drive it with their own clock.
 */
public record HealthCheckState(HealthStatus status, int consecutiveFailures, boolean passedOnce, Instant startedAt)
{
    public HealthCheckState
    {
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures is negative: " + consecutiveFailures);
        }
    }

    /** A container that started at startedAt and has not been checked yet. */
    public static HealthCheckState starting(Instant startedAt)
    {
        return new HealthCheckState(HealthStatus.UNKNOWN, 0, false, startedAt);
    }

    /**
     * A container checked before (by an agent that has since restarted): it keeps the status recorded then, and its
     * start period begins again now unless it had passed a check.
     */
    public static HealthCheckState resumed(HealthStatus recorded, Instant now)
    {
        HealthStatus status = recorded == null ? HealthStatus.UNKNOWN : recorded;
        return new HealthCheckState(status, 0, status != HealthStatus.UNKNOWN, now);
    }

    /** The state after one check that began at checkStartedAt and passed or not. */
    public HealthCheckState afterCheck(ContainerHealthCheck check, boolean passed, Instant checkStartedAt)
    {
        if (passed) {
            return new HealthCheckState(HealthStatus.HEALTHY, 0, true, startedAt);
        }
        if (!passedOnce && inStartPeriod(check, checkStartedAt)) {
            return this;
        }
        int failures = consecutiveFailures + 1;
        return new HealthCheckState(failures >= check.retries() ? HealthStatus.UNHEALTHY : status, failures, passedOnce, startedAt);
    }

    private boolean inStartPeriod(ContainerHealthCheck check, Instant at)
    {
        return at.isBefore(startedAt.plus(check.startPeriod()));
    }
}
