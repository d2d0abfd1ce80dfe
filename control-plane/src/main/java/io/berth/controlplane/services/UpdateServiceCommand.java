package io.berth.controlplane.services;

import io.berth.controlplane.clusters.ClusterConfiguration;

import java.util.List;
import java.util.Map;

/**
 * UpdateService's input, decoded; null fields keep the service's value. A new deployment starts when the task
 * definition, the network configuration or the load balancers change, or forceNewDeployment asks for one. An empty
 * loadBalancers removes them. capacityProviderStrategy (null: keep) applies to the next deployment: as in ECS, a change
 * needs forceNewDeployment; an empty one goes back to launchType FARGATE.
 */
public record UpdateServiceCommand(
        String cluster,
        String service,
        String taskDefinition,
        Integer desiredCount,
        DeploymentConfigurationChange deploymentConfiguration,
        Map<String, Object> networkConfiguration,
        boolean forceNewDeployment,
        String platformVersion,
        List<ServiceLoadBalancer> loadBalancers,
        Integer healthCheckGracePeriodSeconds,
        List<ClusterConfiguration.StrategyItem> capacityProviderStrategy)
{
    public UpdateServiceCommand
    {
        deploymentConfiguration = deploymentConfiguration == null ? DeploymentConfigurationChange.NONE : deploymentConfiguration;
        networkConfiguration = networkConfiguration == null ? null : Map.copyOf(networkConfiguration);
        loadBalancers = loadBalancers == null ? null : List.copyOf(loadBalancers);
        capacityProviderStrategy = capacityProviderStrategy == null ? null : List.copyOf(capacityProviderStrategy);
    }

    /** Without a capacity provider strategy. */
    public UpdateServiceCommand(String cluster, String service, String taskDefinition, Integer desiredCount, DeploymentConfigurationChange deploymentConfiguration,
            Map<String, Object> networkConfiguration, boolean forceNewDeployment, String platformVersion, List<ServiceLoadBalancer> loadBalancers,
            Integer healthCheckGracePeriodSeconds)
    {
        this(cluster, service, taskDefinition, desiredCount, deploymentConfiguration, networkConfiguration, forceNewDeployment, platformVersion, loadBalancers,
                healthCheckGracePeriodSeconds, null);
    }
}
