package io.berth.agent.metadata;

import io.berth.agent.runtime.ContainerUsage;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One reading of a container's cgroup counters with the host's CPU counters at the same moment. */
public record StatsReading(Instant read, ContainerUsage usage, HostCpuStat host)
{
    public StatsReading
    {
        requireNonNull(read, "read is null");
        requireNonNull(usage, "usage is null");
        requireNonNull(host, "host is null");
    }
}
