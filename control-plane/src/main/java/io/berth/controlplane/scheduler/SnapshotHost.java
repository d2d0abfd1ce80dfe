package io.berth.controlplane.scheduler;

import io.berth.common.agentprotocol.IsolationTier;

import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * One host as the scheduler sees it: capacity, what its non-STOPPED tasks already hold, its attributes (the
 * agent's, e.g. {@code ecs.availability-zone}, and the operator's), its state, and how many non-STOPPED tasks of
 * each task group it holds (for spread and distinctInstance), and the isolation tiers it offers. cpu in ECS units,
 * memory in MiB.
 */
public record SnapshotHost(
        String hostId,
        int cpuCapacity,
        long memoryCapacity,
        int cpuAllocated,
        long memoryAllocated,
        Map<String, String> attributes,
        HostState state,
        Map<String, Integer> tasksByGroup,
        Set<IsolationTier> isolationTiers)
{
    public SnapshotHost
    {
        requireNonNull(hostId, "hostId is null");
        attributes = Map.copyOf(attributes);
        requireNonNull(state, "state is null");
        tasksByGroup = Map.copyOf(tasksByGroup);
        isolationTiers = Set.copyOf(isolationTiers);
    }

    /** A host that offers the container tier only. */
    public SnapshotHost(String hostId, int cpuCapacity, long memoryCapacity, int cpuAllocated, long memoryAllocated, Map<String, String> attributes,
            HostState state, Map<String, Integer> tasksByGroup)
    {
        this(hostId, cpuCapacity, memoryCapacity, cpuAllocated, memoryAllocated, attributes, state, tasksByGroup, Set.of(IsolationTier.CONTAINER));
    }

    public int cpuFree()
    {
        return cpuCapacity - cpuAllocated;
    }

    public long memoryFree()
    {
        return memoryCapacity - memoryAllocated;
    }
}
