package io.berth.controlplane.scheduler;

import io.berth.common.agentprotocol.IsolationTier;

import java.util.ArrayList;
import java.util.List;

/** Fixture factory: {@code task("t1").size(1024, 2048).binpack("memory").build()}; defaults 256 cpu, 512 MiB, group "family:app". */
final class Tasks
{
    private Tasks() {}

    static Builder task(String taskId)
    {
        return new Builder(taskId);
    }

    static final class Builder
    {
        private final String taskId;
        private int cpu = 256;
        private long memory = 512;
        private String group = "family:app";
        private final List<PlacementStrategy> strategies = new ArrayList<>();
        private final List<PlacementConstraint> constraints = new ArrayList<>();
        private IsolationTier isolation = IsolationTier.CONTAINER;

        private Builder(String taskId)
        {
            this.taskId = taskId;
        }

        Builder size(int cpuUnits, long memoryMiB)
        {
            cpu = cpuUnits;
            memory = memoryMiB;
            return this;
        }

        Builder group(String value)
        {
            group = value;
            return this;
        }

        Builder binpack(String field)
        {
            strategies.add(PlacementStrategy.binpack(field));
            return this;
        }

        Builder spread(String field)
        {
            strategies.add(PlacementStrategy.spread(field));
            return this;
        }

        Builder random()
        {
            strategies.add(PlacementStrategy.random());
            return this;
        }

        Builder distinctInstance()
        {
            constraints.add(PlacementConstraint.distinctInstance());
            return this;
        }

        Builder memberOf(String expression)
        {
            constraints.add(PlacementConstraint.memberOf(expression));
            return this;
        }

        Builder isolation(IsolationTier value)
        {
            isolation = value;
            return this;
        }

        PlacementRequest build()
        {
            return new PlacementRequest(taskId, cpu, memory, group, strategies, constraints, isolation);
        }

        /** count copies of this task, ids taskId-1..taskId-count. */
        List<PlacementRequest> times(int count)
        {
            List<PlacementRequest> requests = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                requests.add(new PlacementRequest(taskId + "-" + i, cpu, memory, group, strategies, constraints, isolation));
            }
            return requests;
        }
    }
}
