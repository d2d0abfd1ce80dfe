package io.berth.controlplane.hosts;

import io.berth.controlplane.agents.Host;

import static java.util.Objects.requireNonNull;

/** A host with what its non-STOPPED tasks hold: cpu units and MiB allocated, and how many tasks. */
public record HostSummary(Host host, int cpuAllocated, long memoryAllocated, int tasks)
{
    public HostSummary
    {
        requireNonNull(host, "host is null");
    }
}
