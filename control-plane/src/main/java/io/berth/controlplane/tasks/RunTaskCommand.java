package io.berth.controlplane.tasks;

import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.idempotency.ClientToken;

import java.util.List;
import java.util.Map;

/**
 * RunTask's input, decoded. Null cluster means "default"; tagging says the tasks' tags. capacityProviderStrategy (empty
 * when not given) and launchType are never both given; with neither, the cluster's default strategy decides, and
 * without one the tasks run on FARGATE. clientToken (null when not given) makes the request idempotent.
 */
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
        TaskTagging tagging,
        List<ClusterConfiguration.StrategyItem> capacityProviderStrategy,
        ClientToken clientToken)
{
    public RunTaskCommand
    {
        overrides = overrides == null ? TaskOverrides.NONE : overrides;
        networkConfiguration = networkConfiguration == null ? Map.of() : Map.copyOf(networkConfiguration);
        placement = placement == null ? PlacementOptions.NONE : placement;
        tagging = tagging == null ? TaskTagging.NONE : tagging;
        capacityProviderStrategy = capacityProviderStrategy == null ? List.of() : List.copyOf(capacityProviderStrategy);
    }

    /** Without a capacity provider strategy or client token. */
    public RunTaskCommand(String cluster, String taskDefinition, int count, TaskOverrides overrides, String startedBy, String group, String launchType,
            String platformVersion, Map<String, Object> networkConfiguration, PlacementOptions placement, TaskTagging tagging)
    {
        this(cluster, taskDefinition, count, overrides, startedBy, group, launchType, platformVersion, networkConfiguration, placement, tagging, List.of(), null);
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
                TaskTagging.NONE, List.of(), null);
    }
}
