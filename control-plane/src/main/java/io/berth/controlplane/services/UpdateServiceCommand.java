package io.berth.controlplane.services;

import java.util.List;
import java.util.Map;

/**
 * UpdateService's input, decoded; null fields keep the service's value. A new deployment starts when the task
 * definition, the network configuration or the load balancers change, or forceNewDeployment asks for one. An empty
 * loadBalancers removes them.
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
        Integer healthCheckGracePeriodSeconds)
{
    public UpdateServiceCommand
    {
        deploymentConfiguration = deploymentConfiguration == null ? DeploymentConfigurationChange.NONE : deploymentConfiguration;
        networkConfiguration = networkConfiguration == null ? null : Map.copyOf(networkConfiguration);
        loadBalancers = loadBalancers == null ? null : List.copyOf(loadBalancers);
    }
}
