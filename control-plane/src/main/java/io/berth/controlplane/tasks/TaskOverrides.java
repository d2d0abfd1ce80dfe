package io.berth.controlplane.tasks;

import io.berth.controlplane.taskdefinitions.EphemeralStorage;

import java.util.List;

/**
 * RunTask's overrides as given, kept to echo them in DescribeTasks. cpu and memory are the request's strings;
 * ephemeralStorage is null when not overridden (checked when decoded).
 */
public record TaskOverrides(
        List<ContainerOverride> containerOverrides,
        String cpu,
        String memory,
        String executionRoleArn,
        String taskRoleArn,
        EphemeralStorage ephemeralStorage)
{
    public static final TaskOverrides NONE = new TaskOverrides(List.of(), null, null, null, null, null);

    public TaskOverrides
    {
        containerOverrides = containerOverrides == null ? List.of() : List.copyOf(containerOverrides);
    }

    public TaskOverrides(List<ContainerOverride> containerOverrides, String cpu, String memory, String executionRoleArn, String taskRoleArn)
    {
        this(containerOverrides, cpu, memory, executionRoleArn, taskRoleArn, null);
    }
}
