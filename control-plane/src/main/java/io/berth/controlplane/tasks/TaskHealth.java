package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.HealthStatus;

import java.util.List;

/**
 * A task's healthStatus from its containers', by ECS's rule: only essential containers with a health check count;
 * UNHEALTHY when any of them is, HEALTHY when all of them are, UNKNOWN otherwise (and for a task without such a
 * container).
 */
public final class TaskHealth
{
    private TaskHealth() {}

    public static HealthStatus of(List<TaskContainer> containers)
    {
        List<TaskContainer> counted = containers.stream()
                .filter(container -> container.spec().essential() && container.spec().healthCheck() != null)
                .toList();
        if (counted.stream().anyMatch(container -> container.healthStatus() == HealthStatus.UNHEALTHY)) {
            return HealthStatus.UNHEALTHY;
        }
        if (!counted.isEmpty() && counted.stream().allMatch(container -> container.healthStatus() == HealthStatus.HEALTHY)) {
            return HealthStatus.HEALTHY;
        }
        return HealthStatus.UNKNOWN;
    }
}
