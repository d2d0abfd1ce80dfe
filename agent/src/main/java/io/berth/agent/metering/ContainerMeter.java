package io.berth.agent.metering;

import io.berth.agent.runtime.ContainerUsage;

import java.time.Duration;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The usage of one container accumulated over its samples: its latest CPU counter, the integral of its
 * memory over the sampled time (for a time-weighted average), and its peak.
 *
 * @param cpuNanos the highest cumulative CPU counter read (the cgroup's counter only grows)
 * @param memoryByteSeconds memory integrated over [firstSampleAt, lastSampleAt], trapezoid rule
 * @param peakMemoryBytes the highest memory seen: the kernel's own peak where it keeps one, else the samples'
 * @param lastMemoryBytes memory at the last sample, the left edge of the next interval
 */
public record ContainerMeter(
        String containerId,
        long cpuNanos,
        double memoryByteSeconds,
        long peakMemoryBytes,
        long lastMemoryBytes,
        Instant firstSampleAt,
        Instant lastSampleAt)
{
    public ContainerMeter
    {
        requireNonNull(containerId, "containerId is null");
        requireNonNull(firstSampleAt, "firstSampleAt is null");
        requireNonNull(lastSampleAt, "lastSampleAt is null");
    }

    public static ContainerMeter first(String containerId, ContainerUsage usage, Instant at)
    {
        return new ContainerMeter(containerId, usage.cpuNanos(), 0, peak(usage, 0), usage.memoryBytes(), at, at);
    }

    /** This meter after one more reading; a reading not later than the last one only raises the counters. */
    public ContainerMeter plus(ContainerUsage usage, Instant at)
    {
        long cpu = Math.max(cpuNanos, usage.cpuNanos());
        long peak = Math.max(peakMemoryBytes, peak(usage, peakMemoryBytes));
        if (!at.isAfter(lastSampleAt)) {
            return new ContainerMeter(containerId, cpu, memoryByteSeconds, peak, lastMemoryBytes, firstSampleAt, lastSampleAt);
        }
        double seconds = Duration.between(lastSampleAt, at).toNanos() / 1e9;
        double integral = memoryByteSeconds + seconds * (lastMemoryBytes + usage.memoryBytes()) / 2.0;
        return new ContainerMeter(containerId, cpu, integral, peak, usage.memoryBytes(), firstSampleAt, at);
    }

    public double sampledSeconds()
    {
        return Duration.between(firstSampleAt, lastSampleAt).toNanos() / 1e9;
    }

    private static long peak(ContainerUsage usage, long previous)
    {
        return Math.max(previous, Math.max(usage.memoryBytes(), usage.peakMemoryBytes().orElse(0)));
    }
}
