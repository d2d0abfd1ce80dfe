package io.berth.controlplane.tasks;

import java.util.List;

/** RunTask's overrides as given, kept to echo them in DescribeTasks. cpu and memory are the request's strings. */
public record TaskOverrides(
        List<ContainerOverride> containerOverrides,
        String cpu,
        String memory,
        String executionRoleArn,
        String taskRoleArn)
{
    public static final TaskOverrides NONE = new TaskOverrides(List.of(), null, null, null, null);

    public TaskOverrides
    {
        containerOverrides = containerOverrides == null ? List.of() : List.copyOf(containerOverrides);
    }
}
