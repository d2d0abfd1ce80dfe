package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerSpec;

import static java.util.Objects.requireNonNull;

/**
 * One container of a task: what runs (the merged spec the agent receives) and how it is doing.
 * memoryReservation is kept only to echo it.
 */
public record TaskContainer(
        String containerArn,
        ContainerSpec spec,
        Integer memoryReservation,
        TaskStatus lastStatus,
        String imageDigest,
        Integer exitCode,
        String reason)
{
    public TaskContainer
    {
        requireNonNull(containerArn, "containerArn is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(lastStatus, "lastStatus is null");
    }

    public String name()
    {
        return spec.name();
    }

    public TaskContainer withProgress(TaskStatus status, String imageDigest, Integer exitCode, String reason)
    {
        return new TaskContainer(containerArn, spec, memoryReservation, status, imageDigest, exitCode, reason);
    }
}
