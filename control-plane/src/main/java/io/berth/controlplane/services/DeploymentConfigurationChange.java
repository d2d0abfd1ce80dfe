package io.berth.controlplane.services;

/**
 * The deploymentConfiguration of a CreateService or UpdateService request: each field null when the request leaves
 * it out, so that an update keeps what it does not name, as ECS does.
 */
public record DeploymentConfigurationChange(Integer maximumPercent, Integer minimumHealthyPercent, Boolean circuitBreakerEnable, Boolean circuitBreakerRollback)
{
    public static final DeploymentConfigurationChange NONE = new DeploymentConfigurationChange(null, null, null, null);

    public DeploymentConfiguration applyTo(DeploymentConfiguration current)
    {
        return new DeploymentConfiguration(
                maximumPercent == null ? current.maximumPercent() : maximumPercent,
                minimumHealthyPercent == null ? current.minimumHealthyPercent() : minimumHealthyPercent,
                circuitBreakerEnable == null ? current.circuitBreakerEnable() : circuitBreakerEnable,
                circuitBreakerRollback == null ? current.circuitBreakerRollback() : circuitBreakerRollback);
    }
}
