package io.berth.controlplane.metering;

import java.time.Instant;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What the bill knows of one task: who owns it, its requested size (cpu units, MiB), when it began pulling
 * and when it stopped (null while it runs), and the usage its agent reported: cumulative CPU seconds and
 * peak, and the time-weighted average memory over memorySampledSeconds.
 *
 * @param group the ECS task group, "service:NAME" for the tasks of a service; may be null
 * @param tags the task's tags, key to value (for a bill by tag)
 * @param capacityProvider FARGATE_SPOT for a spot task (billed at the spot factor); FARGATE or null for on-demand
 */
public record MeteredTask(
        String taskId,
        String accountId,
        String clusterName,
        String taskArn,
        String family,
        String group,
        int cpu,
        int memory,
        Instant pullStartedAt,
        Instant stoppedAt,
        double cpuSeconds,
        double avgMemoryMiB,
        double memorySampledSeconds,
        double peakMemoryMiB,
        Instant sampledAt,
        Map<String, String> tags,
        String capacityProvider)
{
    public MeteredTask
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(clusterName, "clusterName is null");
        requireNonNull(taskArn, "taskArn is null");
        requireNonNull(family, "family is null");
        requireNonNull(pullStartedAt, "pullStartedAt is null");
        if (cpu <= 0 || memory <= 0) {
            throw new IllegalArgumentException("cpu and memory must be positive");
        }
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** An on-demand task. */
    public MeteredTask(String taskId, String accountId, String clusterName, String taskArn, String family, String group, int cpu, int memory,
            Instant pullStartedAt, Instant stoppedAt, double cpuSeconds, double avgMemoryMiB, double memorySampledSeconds, double peakMemoryMiB,
            Instant sampledAt, Map<String, String> tags)
    {
        this(taskId, accountId, clusterName, taskArn, family, group, cpu, memory, pullStartedAt, stoppedAt, cpuSeconds, avgMemoryMiB,
                memorySampledSeconds, peakMemoryMiB, sampledAt, tags, null);
    }

    public boolean spot()
    {
        return "FARGATE_SPOT".equals(capacityProvider);
    }

    /** A task without tags. */
    public MeteredTask(String taskId, String accountId, String clusterName, String taskArn, String family, String group, int cpu, int memory,
            Instant pullStartedAt, Instant stoppedAt, double cpuSeconds, double avgMemoryMiB, double memorySampledSeconds, double peakMemoryMiB,
            Instant sampledAt)
    {
        this(taskId, accountId, clusterName, taskArn, family, group, cpu, memory, pullStartedAt, stoppedAt, cpuSeconds, avgMemoryMiB,
                memorySampledSeconds, peakMemoryMiB, sampledAt, Map.of());
    }

    /** The service of a service's task (from its group "service:NAME"); null for a standalone task. */
    public String serviceName()
    {
        return group != null && group.startsWith("service:") ? group.substring("service:".length()) : null;
    }

    public boolean running()
    {
        return stoppedAt == null;
    }
}
