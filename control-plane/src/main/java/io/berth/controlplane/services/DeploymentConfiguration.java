package io.berth.controlplane.services;

import io.berth.controlplane.resources.InvalidRequestException;

/**
 * How a service rolls out a deployment, as ECS has it: at most maximumPercent of desiredCount tasks at once, at
 * least minimumHealthyPercent of it healthy, and the circuit breaker that fails (and with rollback, reverts) a
 * deployment whose tasks keep failing.
 */
public record DeploymentConfiguration(int maximumPercent, int minimumHealthyPercent, boolean circuitBreakerEnable, boolean circuitBreakerRollback)
{
    public static final int DEFAULT_MAXIMUM_PERCENT = 200;
    public static final int DEFAULT_MINIMUM_HEALTHY_PERCENT = 100;
    public static final DeploymentConfiguration DEFAULT = new DeploymentConfiguration(DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT, false, false);

    public DeploymentConfiguration
    {
        if (maximumPercent < 100 || maximumPercent > 2000) {
            throw InvalidRequestException.invalidValue("deploymentConfiguration.maximumPercent must be between 100 and 2000, got " + maximumPercent + ".");
        }
        if (minimumHealthyPercent < 0 || minimumHealthyPercent > 100) {
            throw InvalidRequestException.invalidValue("deploymentConfiguration.minimumHealthyPercent must be between 0 and 100, got " + minimumHealthyPercent + ".");
        }
        if (maximumPercent == 100 && minimumHealthyPercent == 100) {
            // with neither room to start a task first nor leave to stop one first, a deployment could never move
            throw InvalidRequestException.invalidValue("deploymentConfiguration: maximumPercent 100 with minimumHealthyPercent 100 leaves a deployment no "
                    + "room to replace a task; raise maximumPercent or lower minimumHealthyPercent.");
        }
        if (circuitBreakerRollback && !circuitBreakerEnable) {
            throw InvalidRequestException.invalidValue("deploymentConfiguration.deploymentCircuitBreaker.rollback needs enable true.");
        }
    }

    /** The most tasks the service may have (running, pending or stopping) during a deployment: floor, as ECS rounds it down. */
    public int maximumTasks(int desiredCount)
    {
        return (int) Math.floor(desiredCount * (maximumPercent / 100.0));
    }

    /** The fewest healthy tasks the service keeps during a deployment: ceil, as ECS rounds it up. */
    public int minimumHealthyTasks(int desiredCount)
    {
        return (int) Math.ceil(desiredCount * (minimumHealthyPercent / 100.0));
    }

    /** ECS's circuit breaker threshold: half the desired count, at least 3, at most 200 failed tasks. */
    public static int failureThreshold(int desiredCount)
    {
        return Math.min(Math.max((int) Math.ceil(0.5 * desiredCount), 3), 200);
    }
}
