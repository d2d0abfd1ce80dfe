package io.berth.controlplane.tasks;

import java.util.Map;

/** RunTask's input, decoded. Null cluster means "default"; null launchType means FARGATE; tagging says the tasks' tags. */
public record RunTaskCommand(
        String cluster,
        String taskDefinition,
        int count,
        TaskOverrides overrides,
        String startedBy,
        String group,
        String launchType,
        String platformVersion,
        Map<String, Object> networkConfiguration,
        PlacementOptions placement,
        TaskTagging tagging)
{
    public RunTaskCommand
    {
        overrides = overrides == null ? TaskOverrides.NONE : overrides;
        networkConfiguration = networkConfiguration == null ? Map.of() : Map.copyOf(networkConfiguration);
        placement = placement == null ? PlacementOptions.NONE : placement;
        tagging = tagging == null ? TaskTagging.NONE : tagging;
    }

    public RunTaskCommand(
            String cluster,
            String taskDefinition,
            int count,
            TaskOverrides overrides,
            String startedBy,
            String group,
            String launchType,
            String platformVersion,
            Map<String, Object> networkConfiguration)
    {
        this(cluster, taskDefinition, count, overrides, startedBy, group, launchType, platformVersion, networkConfiguration, PlacementOptions.NONE,
                TaskTagging.NONE);
    }
}
