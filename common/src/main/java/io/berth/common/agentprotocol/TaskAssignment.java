package io.berth.common.agentprotocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A task the control plane wants on a host, in the state it wants it. cpu is in ECS cpu units
 * (1024 = one vCPU), memory in MiB; both are the task-level limits.
 */
public record TaskAssignment(
        String taskId,
        String taskArn,
        DesiredStatus desiredStatus,
        int cpu,
        int memoryMiB,
        List<ContainerSpec> containers)
{
    public enum DesiredStatus { RUNNING, STOPPED }

    public TaskAssignment
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(taskArn, "taskArn is null");
        requireNonNull(desiredStatus, "desiredStatus is null");
        containers = List.copyOf(containers);
    }
}
