package io.berth.common.agentprotocol;

/**
 * ECS's health status of a container (and of a task): UNKNOWN until its check first passes (and for containers
 * without a check), HEALTHY after a pass, UNHEALTHY after as many consecutive failures as the check's retries.
 */
public enum HealthStatus
{
    HEALTHY, UNHEALTHY, UNKNOWN
}
