package io.berth.controlplane.metering;

import io.berth.common.agentprotocol.TaskUsage;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;

import io.berth.controlplane.resources.Tag;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a task's metering record from its state (and the usage its agent reported, if any), inside the
 * caller's transaction. Only tasks that began pulling are billed. The record's window comes from the task's
 * timestamps, not from how often it was seen, so a task that ran across a control plane restart is billed
 * for all of it.
 */
public final class UsageRecorder
{
    private UsageRecorder() {}

    public static void record(StoreTransaction transaction, Task task, TaskUsage usage)
    {
        TaskState state = task.state();
        if (state.pullStartedAt() == null) {
            return;
        }
        transaction.taskUsage().upsert(new MeteredTask(
                task.taskId(),
                task.accountId(),
                task.clusterName(),
                task.arn(),
                task.family(),
                task.group(),
                task.cpu(),
                task.memory(),
                state.pullStartedAt(),
                stoppedAt(state),
                usage == null ? 0 : usage.cpuSeconds(),
                usage == null ? 0 : usage.avgMemoryMiB(),
                usage == null ? 0 : usage.memorySampledSeconds(),
                usage == null ? 0 : usage.peakMemoryMiB(),
                usage == null ? null : usage.sampledAt(),
                tagMap(task.tags()),
                task.capacityProviderName()));
    }

    /** Tags as the bill groups them: key to value. */
    public static Map<String, String> tagMap(List<Tag> tags)
    {
        Map<String, String> map = new LinkedHashMap<>();
        tags.forEach(tag -> map.put(tag.key(), tag.value()));
        return map;
    }

    /**
     * When the task stopped on its host (executionStoppedAt, measured by the agent), else when the control
     * plane recorded the stop: a report delayed by a control plane outage must not make the task dearer.
     */
    static Instant stoppedAt(TaskState state)
    {
        if (state.lastStatus() != TaskStatus.STOPPED) {
            return null;
        }
        Instant stopped = state.executionStoppedAt() != null ? state.executionStoppedAt() : state.stoppedAt();
        if (stopped != null && stopped.isBefore(state.pullStartedAt())) {
            return state.pullStartedAt();
        }
        return stopped;
    }
}
