package io.berth.agent.metrics;

import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskReport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Counts task starts and stops from what the agent reports on each sync (it reports on every change of a task's
 * status, but a start's PENDING, and even its RUNNING, may go only with the sync after them): a task seen PENDING that
 * turns RUNNING is a start, one that turns STOPPED without having run a failed start, and a task seen before that turns
 * STOPPED a stop. A task first seen RUNNING or STOPPED counts the same when this agent pulled for it (its pull started
 * after this agent did). Tasks the agent already held when it started (adopted) are only counted when they stop, so a
 * restart counts nothing twice.
 */
public final class TaskLifecycleLink
        implements ControlPlaneLink
{
    private final ControlPlaneLink inner;
    private final AgentMetrics metrics;
    private final Clock clock;
    private final Map<String, TaskReport.Status> seen = new HashMap<>();
    /** When this agent began: a task whose pull started before was adopted from an earlier agent. */
    private final Instant since;

    public TaskLifecycleLink(ControlPlaneLink inner, AgentMetrics metrics, Clock clock)
    {
        this.inner = requireNonNull(inner, "inner is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.since = clock.instant();
    }

    @Override
    public SyncResponse sync(SyncRequest request)
    {
        observe(request);
        return inner.sync(request);
    }

    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        inner.awaitChange(hostId, timeout);
    }

    @Override
    public HostChange awaitChanges(String hostId, Duration timeout)
            throws InterruptedException
    {
        return inner.awaitChanges(hostId, timeout);
    }

    @Override
    public Optional<NetworkPlan> network(String hostId)
    {
        return inner.network(hostId);
    }

    synchronized void observe(SyncRequest request)
    {
        Instant now = clock.instant();
        Set<String> reported = new HashSet<>();
        for (TaskReport task : request.tasks()) {
            reported.add(task.taskId());
            TaskReport.Status before = seen.put(task.taskId(), task.status());
            if (before == task.status()) {
                continue;
            }
            if (before == null) {
                if (task.status() == TaskReport.Status.PENDING || task.pullStartedAt() == null || task.pullStartedAt().isBefore(since)) {
                    // still to start, or adopted: counted from its next change
                    continue;
                }
                // started here between two syncs: as if it had been seen PENDING
                before = TaskReport.Status.PENDING;
            }
            boolean ran = task.startedAt() != null;
            if (before == TaskReport.Status.PENDING && ran && task.status() != TaskReport.Status.PENDING) {
                metrics.taskRunning(between(task.pullStartedAt(), task.startedAt()));
            }
            if (task.status() == TaskReport.Status.STOPPED) {
                if (before == TaskReport.Status.PENDING && !ran) {
                    metrics.taskFailedToRun();
                }
                metrics.taskStopped(task.stopCode(), between(task.executionStoppedAt(), now));
            }
        }
        // forgotten tasks are forgotten here too, so the map stays as small as the host's task list
        seen.keySet().retainAll(reported);
    }

    private static Duration between(Instant from, Instant to)
    {
        return from == null || to == null ? null : Duration.between(from, to);
    }
}
