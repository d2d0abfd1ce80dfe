package io.berth.controlplane.services;

import io.berth.controlplane.tasks.StopCodes;
import io.berth.controlplane.tasks.TaskStatus;

import java.time.Duration;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What the controller needs to know of one task of a service. startedBy is the deployment that started it.
 * healthStatus is the task's (HEALTHY, UNHEALTHY, UNKNOWN; null for a task without health checks, which counts as
 * healthy once RUNNING). onDrainingHost says its host is being drained, so the task is replaced make-before-break.
 * placementMessage is why no host took it yet (null when placed or not tried). stoppedWithItsHost says it was
 * recorded STOPPED because its host was lost or removed: replaced like any other, but no failure of the task.
 * address is its private IPv4 address (null until its host reported it); stopping says the service deregistered it
 * from its target groups and stops it once the deregistration delay is over (the controller neither counts it nor
 * orders its stop again); targets is how it stands in the service's target groups.
 */
public record ServiceTask(
        String taskId,
        String startedBy,
        TaskStatus lastStatus,
        TaskStatus desiredStatus,
        Instant startedAt,
        Instant createdAt,
        String stopCode,
        String stoppedReason,
        String healthStatus,
        boolean onDrainingHost,
        String placementMessage,
        boolean stoppedWithItsHost,
        String address,
        boolean stopping,
        TargetStatus targets,
        boolean scaleInProtected)
{
    public ServiceTask
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(lastStatus, "lastStatus is null");
        requireNonNull(desiredStatus, "desiredStatus is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(targets, "targets is null");
    }

    /** A task of a service without load balancers. */
    public ServiceTask(String taskId, String startedBy, TaskStatus lastStatus, TaskStatus desiredStatus, Instant startedAt, Instant createdAt, String stopCode,
            String stoppedReason, String healthStatus, boolean onDrainingHost, String placementMessage, boolean stoppedWithItsHost)
    {
        this(taskId, startedBy, lastStatus, desiredStatus, startedAt, createdAt, stopCode, stoppedReason, healthStatus, onDrainingHost, placementMessage,
                stoppedWithItsHost, null, false, TargetStatus.NONE, false);
    }

    /** A task that did not stop with its host. */
    public ServiceTask(String taskId, String startedBy, TaskStatus lastStatus, TaskStatus desiredStatus, Instant startedAt, Instant createdAt, String stopCode,
            String stoppedReason, String healthStatus, boolean onDrainingHost, String placementMessage)
    {
        this(taskId, startedBy, lastStatus, desiredStatus, startedAt, createdAt, stopCode, stoppedReason, healthStatus, onDrainingHost, placementMessage, false);
    }

    public ServiceTask withTargets(TargetStatus value)
    {
        return new ServiceTask(taskId, startedBy, lastStatus, desiredStatus, startedAt, createdAt, stopCode, stoppedReason, healthStatus, onDrainingHost,
                placementMessage, stoppedWithItsHost, address, stopping, value, scaleInProtected);
    }

    public ServiceTask withStopping(boolean value)
    {
        return new ServiceTask(taskId, startedBy, lastStatus, desiredStatus, startedAt, createdAt, stopCode, stoppedReason, healthStatus, onDrainingHost,
                placementMessage, stoppedWithItsHost, address, value, targets, scaleInProtected);
    }

    /** The task under scale-in protection (UpdateTaskProtection): a scale-in leaves it running. */
    public ServiceTask withScaleInProtection(boolean value)
    {
        return new ServiceTask(taskId, startedBy, lastStatus, desiredStatus, startedAt, createdAt, stopCode, stoppedReason, healthStatus, onDrainingHost,
                placementMessage, stoppedWithItsHost, address, stopping, targets, value);
    }

    public boolean stopped()
    {
        return lastStatus == TaskStatus.STOPPED;
    }

    /** Not stopped, not told to stop and not being drained before its stop: a task the service counts on. */
    public boolean wanted()
    {
        return !stopped() && desiredStatus == TaskStatus.RUNNING && !stopping;
    }

    /**
     * RUNNING, its container health check (if any) HEALTHY and not yet in its target groups: what the service registers
     * as a target. A task whose container health check has not passed yet takes no traffic.
     */
    public boolean registrable()
    {
        return wanted() && lastStatus == TaskStatus.RUNNING && address != null && (healthStatus == null || healthStatus.equals("HEALTHY"));
    }

    /** UNHEALTHY in a target group after the grace period since it started: the service replaces it. */
    public boolean failingTargets(Instant now, Duration gracePeriod)
    {
        return wanted() && targets.state() == TargetStatus.State.UNHEALTHY && startedAt != null && !now.isBefore(startedAt.plus(gracePeriod));
    }

    /**
     * RUNNING and, when it has a health check, HEALTHY (UNKNOWN is not yet healthy); without a health check, RUNNING for
     * settleTime, so that a container that exits at once (RUNNING for a moment) never completes a deployment or
     * replaces a good task. A task of a load-balanced service is healthy only once healthy in every target group.
     */
    public boolean healthy(Instant now, Duration settleTime)
    {
        if (!wanted() || lastStatus != TaskStatus.RUNNING) {
            return false;
        }
        if (targets.state() != TargetStatus.State.NONE && targets.state() != TargetStatus.State.HEALTHY) {
            return false;
        }
        if (healthStatus != null) {
            return healthStatus.equals("HEALTHY");
        }
        return startedAt != null && !now.isBefore(startedAt.plus(settleTime));
    }

    /** RUNNING and not UNHEALTHY (nor in a target group): a task that serves, though perhaps not yet long enough to count as healthy. */
    public boolean serving()
    {
        return wanted() && lastStatus == TaskStatus.RUNNING && !"UNHEALTHY".equals(healthStatus) && targets.state() != TargetStatus.State.UNHEALTHY;
    }

    /**
     * A stop the service did not ask for (nor a user, nor the loss of its host, nor Fargate taking its spot capacity
     * back): counts against the deployment and the back-off. A lost host with many tasks must not hold their
     * replacements back for minutes, and an interrupted spot task is replaced at once, as ECS replaces it.
     */
    public boolean failed()
    {
        return stopped() && !stoppedWithItsHost && !StopCodes.SERVICE_SCHEDULER_INITIATED.equals(stopCode) && !StopCodes.USER_INITIATED.equals(stopCode)
                && !StopCodes.SPOT_INTERRUPTION.equals(stopCode);
    }
}
