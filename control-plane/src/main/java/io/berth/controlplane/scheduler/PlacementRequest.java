package io.berth.controlplane.scheduler;

import io.berth.common.agentprotocol.IsolationTier;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One task to place: its id, size (cpu units, MiB), task group (spread and distinctInstance count tasks of the
 * same group, as ECS does for standalone tasks), strategies (empty: {@link PlacementStrategy#DEFAULT}) and
 * constraints, and the isolation tier it runs at (only hosts that offer it can take it).
 */
public record PlacementRequest(
        String taskId,
        int cpu,
        long memory,
        String group,
        List<PlacementStrategy> strategies,
        List<PlacementConstraint> constraints,
        IsolationTier isolation)
{
    public PlacementRequest
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(group, "group is null");
        strategies = List.copyOf(strategies);
        constraints = List.copyOf(constraints);
        requireNonNull(isolation, "isolation is null");
    }

    /** A task at the container tier. */
    public PlacementRequest(String taskId, int cpu, long memory, String group, List<PlacementStrategy> strategies, List<PlacementConstraint> constraints)
    {
        this(taskId, cpu, memory, group, strategies, constraints, IsolationTier.CONTAINER);
    }

    public List<PlacementStrategy> effectiveStrategies()
    {
        return strategies.isEmpty() ? PlacementStrategy.DEFAULT : strategies;
    }
}
