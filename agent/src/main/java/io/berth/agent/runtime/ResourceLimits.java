package io.berth.agent.runtime;

/**
 * cgroup limits: CPU quota per period (microseconds), hard memory limit (bytes), the most processes the
 * container may have, and a soft memory limit (bytes; 0 for none) the kernel reclaims down to under pressure.
 */
public record ResourceLimits(long cpuQuotaMicros, long cpuPeriodMicros, long memoryBytes, long pidsLimit, long memoryReservationBytes)
{
    public static final long DEFAULT_PERIOD_MICROS = 100_000;
    public static final long DEFAULT_PIDS_LIMIT = 4096;
    private static final long MIB = 1024 * 1024;

    public ResourceLimits
    {
        if (memoryReservationBytes < 0 || memoryBytes > 0 && memoryReservationBytes > memoryBytes) {
            throw new IllegalArgumentException("memory reservation " + memoryReservationBytes + " must be from 0 to the memory limit " + memoryBytes);
        }
    }

    public ResourceLimits(long cpuQuotaMicros, long cpuPeriodMicros, long memoryBytes, long pidsLimit)
    {
        this(cpuQuotaMicros, cpuPeriodMicros, memoryBytes, pidsLimit, 0);
    }

    /** From ECS units: 1024 cpu units are one vCPU. */
    public static ResourceLimits fromTaskSize(int cpuUnits, long memoryMiB)
    {
        long quota = Math.max(1000, cpuUnits * DEFAULT_PERIOD_MICROS / 1024);
        return new ResourceLimits(quota, DEFAULT_PERIOD_MICROS, memoryMiB * MIB, DEFAULT_PIDS_LIMIT);
    }

    /**
     * These limits narrowed by a container's own: its hard memory limit (MiB, null for the task's alone) and
     * its soft limit (MiB, null for none), neither above the task's memory.
     */
    public ResourceLimits forContainer(Integer memoryMiB, Integer memoryReservationMiB)
    {
        long memory = memoryMiB == null ? memoryBytes : memoryBytes > 0 ? Math.min(memoryBytes, memoryMiB * MIB) : memoryMiB * MIB;
        long reservation = memoryReservationMiB == null ? 0 : memory > 0 ? Math.min(memory, memoryReservationMiB * MIB) : memoryReservationMiB * MIB;
        return new ResourceLimits(cpuQuotaMicros, cpuPeriodMicros, memory, pidsLimit, reservation);
    }
}
