package io.berth.common.agentprotocol;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What one task has really used on its host so far, summed over its containers, as sampled from their
 * cgroups. Every figure only grows over the task's life, so the control plane can merge reports (late,
 * repeated, or from before an agent restart) by taking the larger value of each.
 *
 * @param cpuSeconds CPU time used by all containers of the task
 * @param avgMemoryMiB time-weighted average memory over memorySampledSeconds
 * @param peakMemoryMiB the most memory the task held (sum of its containers' peaks)
 * @param memorySampledSeconds how long memory has been watched: the weight of avgMemoryMiB
 * @param sampledAt when the latest sample was taken
 */
public record TaskUsage(double cpuSeconds, double avgMemoryMiB, double peakMemoryMiB, double memorySampledSeconds, Instant sampledAt)
{
    public TaskUsage
    {
        requireNonNull(sampledAt, "sampledAt is null");
        checkNotNegative(cpuSeconds, "cpuSeconds");
        checkNotNegative(avgMemoryMiB, "avgMemoryMiB");
        checkNotNegative(peakMemoryMiB, "peakMemoryMiB");
        checkNotNegative(memorySampledSeconds, "memorySampledSeconds");
    }

    /** The integral of memory over time, which only grows (unlike the average). */
    public double memoryMiBSeconds()
    {
        return avgMemoryMiB * memorySampledSeconds;
    }

    private static void checkNotNegative(double value, String name)
    {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
    }
}
