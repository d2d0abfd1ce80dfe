package io.berth.controlplane.services;

import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.idempotency.ClientToken;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.tasks.PlacementOptions;

import java.util.List;
import java.util.Map;

/**
 * CreateService's input, decoded. Null cluster means "default"; null platformVersion means LATEST. launchType and
 * capacityProviderStrategy (empty when not given) are never both given; with neither, the cluster's default strategy
 * decides, and without one the service runs on launchType FARGATE. clientToken (null when not given) makes the request
 * idempotent.
 */
public record CreateServiceCommand(
        String cluster,
        String serviceName,
        String taskDefinition,
        Integer desiredCount,
        String launchType,
        List<ClusterConfiguration.StrategyItem> capacityProviderStrategy,
        String platformVersion,
        DeploymentConfigurationChange deploymentConfiguration,
        Map<String, Object> networkConfiguration,
        PlacementOptions placement,
        List<Tag> tags,
        String propagateTags,
        boolean enableEcsManagedTags,
        List<ServiceLoadBalancer> loadBalancers,
        Integer healthCheckGracePeriodSeconds,
        ClientToken clientToken)
{
    public CreateServiceCommand
    {
        deploymentConfiguration = deploymentConfiguration == null ? DeploymentConfigurationChange.NONE : deploymentConfiguration;
        networkConfiguration = networkConfiguration == null ? Map.of() : Map.copyOf(networkConfiguration);
        placement = placement == null ? PlacementOptions.NONE : placement;
        tags = tags == null ? List.of() : List.copyOf(tags);
        loadBalancers = loadBalancers == null ? List.of() : List.copyOf(loadBalancers);
        capacityProviderStrategy = capacityProviderStrategy == null ? List.of() : List.copyOf(capacityProviderStrategy);
    }

    /** Without a capacity provider strategy or a client token. */
    public CreateServiceCommand(String cluster, String serviceName, String taskDefinition, Integer desiredCount, String launchType, String platformVersion,
            DeploymentConfigurationChange deploymentConfiguration, Map<String, Object> networkConfiguration, PlacementOptions placement, List<Tag> tags,
            String propagateTags, boolean enableEcsManagedTags, List<ServiceLoadBalancer> loadBalancers, Integer healthCheckGracePeriodSeconds)
    {
        this(cluster, serviceName, taskDefinition, desiredCount, launchType, List.of(), platformVersion, deploymentConfiguration, networkConfiguration, placement,
                tags, propagateTags, enableEcsManagedTags, loadBalancers, healthCheckGracePeriodSeconds, null);
    }
}
