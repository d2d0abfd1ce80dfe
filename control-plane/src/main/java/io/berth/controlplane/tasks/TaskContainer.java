package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HealthStatus;

import static java.util.Objects.requireNonNull;

/**
 * One container of a task: what runs (the merged spec the agent receives) and how it is doing.
 * memoryReservation is kept only to echo it. healthStatus is what its host last said of its health check
 * (UNKNOWN until then, and for a container without a check; a task stored before health checks reads as UNKNOWN).
 */
public record TaskContainer(
        String containerArn,
        ContainerSpec spec,
        Integer memoryReservation,
        TaskStatus lastStatus,
        String imageDigest,
        Integer exitCode,
        String reason,
        HealthStatus healthStatus)
{
    public TaskContainer
    {
        requireNonNull(containerArn, "containerArn is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(lastStatus, "lastStatus is null");
        healthStatus = healthStatus == null ? HealthStatus.UNKNOWN : healthStatus;
    }

    /** A container whose health nobody has reported yet. */
    public TaskContainer(String containerArn, ContainerSpec spec, Integer memoryReservation, TaskStatus lastStatus, String imageDigest, Integer exitCode,
            String reason)
    {
        this(containerArn, spec, memoryReservation, lastStatus, imageDigest, exitCode, reason, HealthStatus.UNKNOWN);
    }

    public String name()
    {
        return spec.name();
    }

    public TaskContainer withProgress(TaskStatus status, String imageDigest, Integer exitCode, String reason)
    {
        return new TaskContainer(containerArn, spec, memoryReservation, status, imageDigest, exitCode, reason, healthStatus);
    }

    public TaskContainer withHealthStatus(HealthStatus status)
    {
        return new TaskContainer(containerArn, spec, memoryReservation, lastStatus, imageDigest, exitCode, reason, status);
    }
}
