package io.berth.controlplane.services;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One deployment of a service: a task definition rolled out to the service's tasks. status PRIMARY is the one
 * being rolled out, ACTIVE ones still have tasks being replaced. taskIds are the tasks this deployment started and
 * has not yet seen STOPPED (so a failure is counted once); runningCount and pendingCount are the controller's last
 * count of them.
 */
public record Deployment(
        String id,
        Status status,
        String taskDefinitionArn,
        int desiredCount,
        int runningCount,
        int pendingCount,
        int failedTasks,
        Instant createdAt,
        Instant updatedAt,
        RolloutState rolloutState,
        String rolloutStateReason,
        List<String> taskIds)
{
    public enum Status { PRIMARY, ACTIVE, INACTIVE }

    public enum RolloutState { IN_PROGRESS, COMPLETED, FAILED }

    public Deployment
    {
        requireNonNull(id, "id is null");
        requireNonNull(status, "status is null");
        requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(rolloutState, "rolloutState is null");
        taskIds = taskIds == null ? List.of() : List.copyOf(taskIds);
    }

    /** A new PRIMARY deployment, IN_PROGRESS. */
    public static Deployment start(String id, String taskDefinitionArn, int desiredCount, Instant now)
    {
        return new Deployment(id, Status.PRIMARY, taskDefinitionArn, desiredCount, 0, 0, 0, now, now, RolloutState.IN_PROGRESS,
                "ECS deployment " + id + " in progress.", List.of());
    }

    public Deployment withStatus(Status value, Instant now)
    {
        return new Deployment(id, value, taskDefinitionArn, desiredCount, runningCount, pendingCount, failedTasks, createdAt, now, rolloutState,
                rolloutStateReason, taskIds);
    }

    public Deployment withDesiredCount(int value, Instant now)
    {
        return new Deployment(id, status, taskDefinitionArn, value, runningCount, pendingCount, failedTasks, createdAt, now, rolloutState,
                rolloutStateReason, taskIds);
    }

    public Deployment withRollout(RolloutState state, String reason, Instant now)
    {
        return new Deployment(id, status, taskDefinitionArn, desiredCount, runningCount, pendingCount, failedTasks, createdAt, now, state, reason, taskIds);
    }

    public Deployment withTasks(List<String> ids, int running, int pending, int failed)
    {
        return new Deployment(id, status, taskDefinitionArn, desiredCount, running, pending, failed, createdAt, updatedAt, rolloutState,
                rolloutStateReason, ids);
    }
}
