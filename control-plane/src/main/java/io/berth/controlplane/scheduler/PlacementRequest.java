package io.berth.controlplane.scheduler;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One task to place: its id, size (cpu units, MiB), task group (spread and distinctInstance count tasks of the
 * same group, as ECS does for standalone tasks), strategies (empty: {@link PlacementStrategy#DEFAULT}) and
 * constraints.
 */
public record PlacementRequest(
        String taskId,
        int cpu,
        long memory,
        String group,
        List<PlacementStrategy> strategies,
        List<PlacementConstraint> constraints)
{
    public PlacementRequest
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(group, "group is null");
        strategies = List.copyOf(strategies);
        constraints = List.copyOf(constraints);
    }

    public List<PlacementStrategy> effectiveStrategies()
    {
        return strategies.isEmpty() ? PlacementStrategy.DEFAULT : strategies;
    }
}
