package io.berth.controlplane.scheduler;

import io.berth.common.agentprotocol.IsolationTier;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/** Fixture factory: {@code host("h1").cpu(4096).memory(8192).zone("a").build()}; defaults 4 vCPU, 8 GiB, zone "a", ACTIVE. */
final class Hosts
{
    private Hosts() {}

    static Builder host(String hostId)
    {
        return new Builder(hostId);
    }

    static final class Builder
    {
        private final String hostId;
        private int cpu = 4096;
        private long memory = 8192;
        private int cpuAllocated;
        private long memoryAllocated;
        private final Map<String, String> attributes = new HashMap<>(Map.of(PlacementStrategy.AVAILABILITY_ZONE, "a"));
        private HostState state = HostState.ACTIVE;
        private final Map<String, Integer> tasksByGroup = new HashMap<>();
        private EnumSet<IsolationTier> isolationTiers = EnumSet.of(IsolationTier.CONTAINER);

        private Builder(String hostId)
        {
            this.hostId = hostId;
        }

        Builder cpu(int value)
        {
            cpu = value;
            return this;
        }

        Builder memory(long value)
        {
            memory = value;
            return this;
        }

        Builder allocated(int cpuUnits, long memoryMiB)
        {
            cpuAllocated = cpuUnits;
            memoryAllocated = memoryMiB;
            return this;
        }

        Builder zone(String zone)
        {
            return attribute(PlacementStrategy.AVAILABILITY_ZONE, zone);
        }

        Builder attribute(String name, String value)
        {
            attributes.put(name, value);
            return this;
        }

        Builder withoutAttribute(String name)
        {
            attributes.remove(name);
            return this;
        }

        Builder state(HostState value)
        {
            state = value;
            return this;
        }

        /** count tasks of group already running here (they do not take capacity unless allocated() says so). */
        Builder tasks(String group, int count)
        {
            tasksByGroup.put(group, count);
            return this;
        }

        /** The host has a runtime for each of these tiers (default: container only). */
        Builder offers(IsolationTier first, IsolationTier... rest)
        {
            isolationTiers = EnumSet.of(first, rest);
            return this;
        }

        SnapshotHost build()
        {
            return new SnapshotHost(hostId, cpu, memory, cpuAllocated, memoryAllocated, attributes, state, tasksByGroup, isolationTiers);
        }
    }
}
