package io.berth.common.agentprotocol;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What an agent knows of one task it holds. Timestamps are null until the step happened.
 * stopCode and stoppedReason are set when the agent itself ended the task (a failed pull, an essential
 * container that exited); a stop the control plane asked for keeps the control plane's reason.
 * usage is what the task's containers have used so far (null before the first sample, or from an agent
 * that does not meter); network is the task's own network (null until it has one).
 */
public record TaskReport(
        String taskId,
        Status status,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant startedAt,
        Instant executionStoppedAt,
        String stopCode,
        String stoppedReason,
        List<ContainerReport> containers,
        TaskUsage usage,
        NetworkReport network)
{
    /** PENDING covers pulling and preparing; STOPPED means everything on the host is cleaned up. */
    public enum Status { PENDING, RUNNING, STOPPING, STOPPED }

    public TaskReport
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(status, "status is null");
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** A report without usage or network: nothing sampled, no task network yet. */
    public TaskReport(
            String taskId,
            Status status,
            Instant pullStartedAt,
            Instant pullStoppedAt,
            Instant startedAt,
            Instant executionStoppedAt,
            String stopCode,
            String stoppedReason,
            List<ContainerReport> containers)
    {
        this(taskId, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, null, null);
    }

    public TaskReport withUsage(TaskUsage newUsage)
    {
        return new TaskReport(taskId, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, newUsage, network);
    }
}
