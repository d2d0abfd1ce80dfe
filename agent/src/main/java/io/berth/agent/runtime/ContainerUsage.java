package io.berth.agent.runtime;

import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * One reading of a container's cgroup counters.
 *
 * @param cpuNanos CPU time used since the container started (cumulative)
 * @param memoryBytes memory in use now
 * @param peakMemoryBytes the most memory the cgroup ever held, when the kernel keeps that count (cgroup v1
 * always; cgroup v2 from Linux 5.19)
 */
public record ContainerUsage(long cpuNanos, long memoryBytes, OptionalLong peakMemoryBytes)
{
    public ContainerUsage
    {
        requireNonNull(peakMemoryBytes, "peakMemoryBytes is null");
        if (cpuNanos < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("usage counters must not be negative");
        }
    }
}
