package io.berth.controlplane.metering;

import java.time.Instant;
import java.util.Map;

/** Metered tasks for tests. */
final class MeteredTasks
{
    private MeteredTasks() {}

    static MeteredTask task(String taskId, String accountId, String family, int cpu, int memory, Instant pullStartedAt, Instant stoppedAt)
    {
        return new MeteredTask(taskId, accountId, "default", "arn:aws:ecs:us-east-1:" + accountId + ":task/default/" + taskId, family, null,
                cpu, memory, pullStartedAt, stoppedAt, 0, 0, 0, 0, null);
    }

    static MeteredTask withUsage(MeteredTask task, double cpuSeconds, double avgMemoryMiB, double sampledSeconds, double peakMemoryMiB)
    {
        return new MeteredTask(task.taskId(), task.accountId(), task.clusterName(), task.taskArn(), task.family(), task.group(), task.cpu(), task.memory(),
                task.pullStartedAt(), task.stoppedAt(), cpuSeconds, avgMemoryMiB, sampledSeconds, peakMemoryMiB, task.pullStartedAt().plusSeconds((long) sampledSeconds));
    }

    static MeteredTask tagged(MeteredTask task, Map<String, String> tags)
    {
        return new MeteredTask(task.taskId(), task.accountId(), task.clusterName(), task.taskArn(), task.family(), task.group(), task.cpu(), task.memory(),
                task.pullStartedAt(), task.stoppedAt(), task.cpuSeconds(), task.avgMemoryMiB(), task.memorySampledSeconds(), task.peakMemoryMiB(), task.sampledAt(),
                tags);
    }

    static MeteredTask spot(MeteredTask task)
    {
        return new MeteredTask(task.taskId(), task.accountId(), task.clusterName(), task.taskArn(), task.family(), task.group(), task.cpu(), task.memory(),
                task.pullStartedAt(), task.stoppedAt(), task.cpuSeconds(), task.avgMemoryMiB(), task.memorySampledSeconds(), task.peakMemoryMiB(), task.sampledAt(),
                task.tags(), "FARGATE_SPOT");
    }

    static MeteredTask inService(MeteredTask task, String cluster, String service)
    {
        return new MeteredTask(task.taskId(), task.accountId(), cluster, task.taskArn(), task.family(), "service:" + service, task.cpu(), task.memory(),
                task.pullStartedAt(), task.stoppedAt(), task.cpuSeconds(), task.avgMemoryMiB(), task.memorySampledSeconds(), task.peakMemoryMiB(), task.sampledAt());
    }
}
