package io.berth.common.agentprotocol;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What an agent knows of one task it holds. Timestamps are null until the step happened.
 * stopCode and stoppedReason are set when the agent itself ended the task (a failed pull, an essential
 * container that exited); a stop the control plane asked for keeps the control plane's reason.
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

    /** A report without a network: the task has none yet. */
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
        this(taskId, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, null);
    }
}
