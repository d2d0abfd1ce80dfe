package io.berth.controlplane.services;

import java.util.Map;

/**
 * UpdateService's input, decoded; null fields keep the service's value. A new deployment starts when the task
 * definition or the network configuration changes, or forceNewDeployment asks for one.
 */
public record UpdateServiceCommand(
        String cluster,
        String service,
        String taskDefinition,
        Integer desiredCount,
        DeploymentConfigurationChange deploymentConfiguration,
        Map<String, Object> networkConfiguration,
        boolean forceNewDeployment,
        String platformVersion)
{
    public UpdateServiceCommand
    {
        deploymentConfiguration = deploymentConfiguration == null ? DeploymentConfigurationChange.NONE : deploymentConfiguration;
        networkConfiguration = networkConfiguration == null ? null : Map.copyOf(networkConfiguration);
    }
}
