package io.berth.controlplane.scheduler;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One host as the scheduler sees it: capacity, what its non-STOPPED tasks already hold, its attributes (the
 * agent's, e.g. {@code ecs.availability-zone}, and the operator's), its state, and how many non-STOPPED tasks of
 * each task group it holds (for spread and distinctInstance). cpu in ECS units, memory in MiB.
 */
public record SnapshotHost(
        String hostId,
        int cpuCapacity,
        long memoryCapacity,
        int cpuAllocated,
        long memoryAllocated,
        Map<String, String> attributes,
        HostState state,
        Map<String, Integer> tasksByGroup)
{
    public SnapshotHost
    {
        requireNonNull(hostId, "hostId is null");
        attributes = Map.copyOf(attributes);
        requireNonNull(state, "state is null");
        tasksByGroup = Map.copyOf(tasksByGroup);
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
