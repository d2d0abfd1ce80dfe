package io.berth.controlplane.tasks;

import io.berth.controlplane.scheduler.PlacementConstraint;
import io.berth.controlplane.scheduler.PlacementExpressionException;
import io.berth.controlplane.scheduler.PlacementStrategy;

import java.util.List;

/**
 * RunTask's placementStrategy and placementConstraints as given (ECS wire names), kept on the task so a task
 * waiting for a host is placed by them however long it waits. Empty strategies mean the scheduler's default.
 */
public record PlacementOptions(List<Strategy> strategies, List<Constraint> constraints)
{
    public static final PlacementOptions NONE = new PlacementOptions(List.of(), List.of());
    static final int MAX_STRATEGIES = 5;
    static final int MAX_CONSTRAINTS = 10;

    public record Strategy(String type, String field) {}

    public record Constraint(String type, String expression) {}

    public PlacementOptions
    {
        strategies = strategies == null ? List.of() : List.copyOf(strategies);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
    }

    public List<PlacementStrategy> placementStrategies()
    {
        return strategies.stream().map(strategy -> PlacementStrategy.of(strategy.type(), strategy.field())).toList();
    }

    public List<PlacementConstraint> placementConstraints()
    {
        return constraints.stream().map(constraint -> PlacementConstraint.of(constraint.type(), constraint.expression())).toList();
    }

    /** Throws IllegalArgumentException (a {@link PlacementExpressionException} for expressions) saying what to fix. */
    public void validate()
    {
        if (strategies.size() > MAX_STRATEGIES) {
            throw new IllegalArgumentException("At most " + MAX_STRATEGIES + " placementStrategy entries are allowed, got " + strategies.size() + ".");
        }
        if (constraints.size() > MAX_CONSTRAINTS) {
            throw new IllegalArgumentException("At most " + MAX_CONSTRAINTS + " placementConstraints are allowed, got " + constraints.size() + ".");
        }
        placementStrategies();
        placementConstraints();
    }
}
