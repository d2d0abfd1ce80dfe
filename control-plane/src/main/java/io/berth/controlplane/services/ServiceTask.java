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
        boolean stoppedWithItsHost)
{
    public ServiceTask
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(lastStatus, "lastStatus is null");
        requireNonNull(desiredStatus, "desiredStatus is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    /** A task that did not stop with its host. */
    public ServiceTask(String taskId, String startedBy, TaskStatus lastStatus, TaskStatus desiredStatus, Instant startedAt, Instant createdAt, String stopCode,
            String stoppedReason, String healthStatus, boolean onDrainingHost, String placementMessage)
    {
        this(taskId, startedBy, lastStatus, desiredStatus, startedAt, createdAt, stopCode, stoppedReason, healthStatus, onDrainingHost, placementMessage, false);
    }

    public boolean stopped()
    {
        return lastStatus == TaskStatus.STOPPED;
    }

    /** Not stopped and not told to stop: a task the service counts on. */
    public boolean wanted()
    {
        return !stopped() && desiredStatus == TaskStatus.RUNNING;
    }

    /**
     * RUNNING and, when it has a health check, HEALTHY (UNKNOWN is not yet healthy); without a health check, RUNNING for
     * settleTime, so that a container that exits at once (RUNNING for a moment) never completes a deployment or
     * replaces a good task.
     */
    public boolean healthy(Instant now, Duration settleTime)
    {
        if (!wanted() || lastStatus != TaskStatus.RUNNING) {
            return false;
        }
        if (healthStatus != null) {
            return healthStatus.equals("HEALTHY");
        }
        return startedAt != null && !now.isBefore(startedAt.plus(settleTime));
    }

    /** RUNNING and not UNHEALTHY: a task that serves, though perhaps not yet long enough to count as healthy. */
    public boolean serving()
    {
        return wanted() && lastStatus == TaskStatus.RUNNING && !"UNHEALTHY".equals(healthStatus);
    }

    /**
     * A stop the service did not ask for (nor a user, nor the loss of its host): counts against the deployment and the
     * back-off. A lost host with many tasks must not hold their replacements back for minutes.
     */
    public boolean failed()
    {
        return stopped() && !stoppedWithItsHost && !StopCodes.SERVICE_SCHEDULER_INITIATED.equals(stopCode) && !StopCodes.USER_INITIATED.equals(stopCode);
    }
}
