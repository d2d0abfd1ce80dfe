package io.berth.agent.runtime;

/**
 * cgroup limits: CPU quota per period (microseconds), hard memory limit (bytes) and the most processes
 * the container may have.
 */
public record ResourceLimits(long cpuQuotaMicros, long cpuPeriodMicros, long memoryBytes, long pidsLimit)
{
    public static final long DEFAULT_PERIOD_MICROS = 100_000;
    public static final long DEFAULT_PIDS_LIMIT = 4096;

    /** From ECS units: 1024 cpu units are one vCPU. */
    public static ResourceLimits fromTaskSize(int cpuUnits, long memoryMiB)
    {
        long quota = Math.max(1000, cpuUnits * DEFAULT_PERIOD_MICROS / 1024);
        return new ResourceLimits(quota, DEFAULT_PERIOD_MICROS, memoryMiB * 1024 * 1024, DEFAULT_PIDS_LIMIT);
    }
}
