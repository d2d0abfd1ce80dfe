package io.berth.agent.tasks;

import io.berth.agent.network.NetworkException;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Converges this host on the control plane's desired state: starts a runner for each new task, asks
 * runners to stop when the control plane wants their task stopped (or no longer lists it), and forgets a
 * task once the control plane has recorded that it stopped.
 */
public final class TaskReconciler
{
    private static final Logger log = LoggerFactory.getLogger(TaskReconciler.class);
    static final String FORCED_STOP_REASON = "killed by the agent: the task's stop did not finish before the agent left the host";

    private final HostInfo hostInfo;
    private final ControlPlaneLink link;
    private final HostServices host;
    private final TaskChangeListener onChange;
    private final Runnable onNetworkApplied;
    private final Consumer<List<TaskAssignment>> onAssignments;
    private final Map<String, TaskRunner> runners = new ConcurrentHashMap<>();
    private final ExecutorService lifecycles = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 0).factory());
    /** The runtime's watch on container exits, made with the first runner; while there is one, runners look rarely. */
    private Optional<ContainerRuntime.ExitWatch> exitWatch;

    public TaskReconciler(HostInfo hostInfo, ControlPlaneLink link, HostServices host, Runnable onChange)
    {
        this(hostInfo, link, host, onChange, () -> {});
    }

    /**
     * @param onNetworkApplied runs after each sync answer's network plan is applied, before any new task of that
     * answer is launched (the agent starts host services for tasks there once the gateway exists)
     */
    public TaskReconciler(HostInfo hostInfo, ControlPlaneLink link, HostServices host, Runnable onChange, Runnable onNetworkApplied)
    {
        this(hostInfo, link, host, onChange, onNetworkApplied, assignments -> {});
    }

    /** @param onAssignments gets every sync answer's tasks, before they are acted on (e.g. their newest role credentials) */
    public TaskReconciler(HostInfo hostInfo, ControlPlaneLink link, HostServices host, Runnable onChange, Runnable onNetworkApplied,
            Consumer<List<TaskAssignment>> onAssignments)
    {
        this(hostInfo, link, host, TaskChangeListener.always(onChange), onNetworkApplied, onAssignments);
    }

    /** @param onChange told of each change of a task's report, and whether it is one that is waited for (see {@link TaskChangeListener}) */
    public TaskReconciler(HostInfo hostInfo, ControlPlaneLink link, HostServices host, TaskChangeListener onChange, Runnable onNetworkApplied,
            Consumer<List<TaskAssignment>> onAssignments)
    {
        this.onAssignments = requireNonNull(onAssignments, "onAssignments is null");
        this.hostInfo = requireNonNull(hostInfo, "hostInfo is null");
        this.link = requireNonNull(link, "link is null");
        this.host = requireNonNull(host, "host is null");
        this.onChange = requireNonNull(onChange, "onChange is null");
        this.onNetworkApplied = requireNonNull(onNetworkApplied, "onNetworkApplied is null");
    }

    /** Picks up the tasks recorded on disk by an earlier agent: running containers are adopted, not restarted. */
    public void resume()
    {
        List<TaskRecord> records = host.records().loadAll();
        if (host.idRanges() != null) {
            // before any runner allocates: the ranges of tasks not yet cleaned up stay theirs
            for (TaskRecord record : records) {
                if (record.holdsIdMapping()) {
                    host.idRanges().markTaken(record.taskId(), record.idMapping());
                }
            }
        }
        for (TaskRecord record : records) {
            log.info("task {}: resuming in state {}", record.taskId(), record.status());
            launch(new TaskRunner(record, host, onChange, exitsReported()));
        }
        removeOrphans();
    }

    /** One round: report, receive the desired state, make the network the plan says, then act on the task differences. */
    public void reconcile()
    {
        SyncResponse response = link.sync(new SyncRequest(hostInfo, runners.values().stream().map(runner -> runner.record().toReport()).toList()));
        if (response.network() != null) {
            applyNetwork(response.network());
        }
        onAssignments.accept(response.tasks());
        Set<String> desired = new HashSet<>();
        for (TaskAssignment assignment : response.tasks()) {
            desired.add(assignment.taskId());
            TaskRunner runner = runners.get(assignment.taskId());
            if (runner == null) {
                // the secrets' values stay in memory: the record on disk says only that there are some
                TaskRecord record = TaskRecord.fresh(assignment.withoutSecrets());
                if (assignment.desiredStatus() == DesiredStatus.STOPPED) {
                    // never started here: nothing to stop, only to report
                    record = record.withStopped(host.clock().instant());
                }
                host.records().save(record);
                runner = new TaskRunner(record, host, onChange, exitsReported());
                runner.offerSecrets(assignment.secrets());
                launch(runner);
                log.info("task {}: assigned to this host", assignment.taskId());
            }
            else if (assignment.desiredStatus() == DesiredStatus.STOPPED) {
                runner.requestStop();
            }
            else {
                // after an agent restart, a task still to start gets its secrets again from the control plane
                runner.offerSecrets(assignment.secrets());
            }
        }
        for (TaskRunner runner : List.copyOf(runners.values())) {
            if (desired.contains(runner.taskId())) {
                continue;
            }
            if (runner.record().status() == Status.STOPPED) {
                // the control plane has recorded the stop: the record may go (the logs stay until purged)
                runners.remove(runner.taskId());
                host.records().delete(runner.taskId());
            }
            else {
                runner.requestStop();
            }
        }
    }

    /**
     * The network plan alone, for a wake-up that said only the host's network changed, applied as a sync answer's is;
     * false when the link could not fetch it alone (the caller syncs instead).
     */
    public boolean refreshNetwork()
    {
        Optional<NetworkPlan> plan = link.network(hostInfo.hostId());
        plan.ifPresent(this::applyNetwork);
        return plan.isPresent();
    }

    /** A plan that cannot be applied is retried on the next round; tasks launched meanwhile fail with the reason. */
    private void applyNetwork(NetworkPlan plan)
    {
        try {
            host.network().apply(plan);
        }
        catch (NetworkException e) {
            log.warn("host {}: cannot apply the network plan, retrying on the next round: {}", hostInfo.hostId(), e.getMessage());
        }
        catch (RuntimeException e) {
            log.warn("host {}: cannot apply the network plan, retrying on the next round: {}", hostInfo.hostId(), e.toString());
        }
        onNetworkApplied.run();
    }

    public List<TaskRecord> tasks()
    {
        return runners.values().stream().map(TaskRunner::record).toList();
    }

    private void launch(TaskRunner runner)
    {
        runners.put(runner.taskId(), runner);
        lifecycles.submit(runner);
    }

    /** Whether the runtime tells of exits as they happen; the first call starts its watch. */
    private synchronized boolean exitsReported()
    {
        if (exitWatch == null) {
            exitWatch = host.runtime().watchExits(this::containerExited);
        }
        return exitWatch.isPresent();
    }

    /** Wakes the runner of the task that holds the container, which then reads its status. */
    private void containerExited(String containerId)
    {
        for (TaskRunner runner : runners.values()) {
            if (runner.record().containers().stream().anyMatch(container -> container.containerId().equals(containerId))) {
                runner.wake();
                return;
            }
        }
    }

    /** Containers, root filesystems, task storage and task networks that no recorded task owns: left by a crash between steps. */
    private void removeOrphans()
    {
        Set<String> owned = new HashSet<>();
        for (TaskRunner runner : runners.values()) {
            runner.record().containers().forEach(container -> owned.add(container.containerId()));
        }
        for (String containerId : host.runtime().containerIds()) {
            if (!owned.contains(containerId)) {
                log.info("removing orphan container {}", containerId);
                host.runtime().delete(containerId);
            }
        }
        try {
            for (String key : host.snapshotter().keys()) {
                if (!owned.contains(key)) {
                    log.info("removing orphan rootfs {}", key);
                    host.snapshotter().remove(key);
                }
            }
        }
        catch (java.io.IOException e) {
            log.warn("cannot list root filesystems for orphan cleanup: {}", e.getMessage());
        }
        removeOrphanStorage();
        for (String taskId : host.network().taskIds()) {
            if (!runners.containsKey(taskId)) {
                log.info("task {}: removing orphan network", taskId);
                try {
                    host.network().tearDown(taskId);
                }
                catch (NetworkException e) {
                    log.warn("task {}: cannot remove orphan network: {}", taskId, e.getMessage());
                }
            }
        }
    }

    /** Task storage whose task this host no longer holds; a running task's storage stays mounted and is kept. */
    private void removeOrphanStorage()
    {
        List<String> taskIds;
        try {
            taskIds = host.storage().taskIds();
        }
        catch (java.io.IOException e) {
            log.warn("cannot list task storage for orphan cleanup: {}", e.getMessage());
            return;
        }
        for (String taskId : taskIds) {
            if (runners.containsKey(taskId)) {
                continue;
            }
            log.info("task {}: removing orphan ephemeral storage", taskId);
            try {
                host.storage().remove(taskId);
            }
            catch (java.io.IOException | RuntimeException e) {
                log.warn("task {}: cannot remove orphan ephemeral storage: {}", taskId, e.getMessage());
            }
        }
    }

    /**
     * Stops every task on this host and waits (up to timeout) until each is cleaned up. What has not stopped by then
     * (a runtime whose stop hangs, a container that outlives its stop timeout) is for {@link #tearDownUnstopped}.
     */
    public void stopAll(java.time.Duration timeout)
    {
        runners.values().forEach(TaskRunner::requestStop);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && runners.values().stream().anyMatch(runner -> runner.record().status() != Status.STOPPED)) {
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * After {@link #shutdown()}, for an agent that leaves its host: removes by force everything of each task that has
     * not stopped (its containers are killed), retrying what failed with backoff until deadline, so the agent leaves no
     * container, mount, storage or network namespace behind. A task fully removed is recorded STOPPED; one that is not
     * keeps its record, so the next agent on this host finishes it. Returns what could not be removed, one entry per
     * task; empty when nothing is left.
     */
    public List<String> tearDownUnstopped(java.time.Duration deadline)
    {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        List<TaskRecord> unstopped = runners.values().stream().map(TaskRunner::record).filter(record -> record.status() != Status.STOPPED).toList();
        // side by side: a hung runtime step takes its whole deadline, and each task's wait is its own
        List<String> leftovers = new ArrayList<>();
        try (ExecutorService teardowns = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> results = unstopped.stream().map(record -> teardowns.submit(() -> tearDownByForce(record, deadlineNanos))).toList();
            for (java.util.concurrent.Future<String> result : results) {
                String leftover = result.get();
                if (leftover != null) {
                    leftovers.add(leftover);
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            leftovers.add("the forced removal was interrupted");
        }
        catch (java.util.concurrent.ExecutionException e) {
            leftovers.add("the forced removal failed: " + e.getCause());
        }
        return leftovers;
    }

    /** Null when nothing of the task is left, else what is left of it. */
    private String tearDownByForce(TaskRecord record, long deadlineNanos)
    {
        log.warn("task {}: its stop did not finish in time ({}); removing it by force", record.taskId(), record.status());
        List<String> failures = tearDown(record, deadlineNanos);
        if (!failures.isEmpty()) {
            log.warn("task {}: could not remove {}", record.taskId(), String.join("; ", failures));
            return "task " + record.taskId() + ": " + String.join("; ", failures);
        }
        host.records().save(stoppedByForce(record));
        if (host.idRanges() != null) {
            host.idRanges().release(record.taskId());
        }
        log.info("task {}: removed by force", record.taskId());
        return null;
    }

    /** Cleanup passes until one leaves nothing or the deadline passes; the last pass's failures. */
    private List<String> tearDown(TaskRecord record, long deadlineNanos)
    {
        java.time.Duration wait = RetryBackoff.CLEANUP.first();
        while (true) {
            List<String> failures = TaskCleanup.once(host, record);
            long left = deadlineNanos - System.nanoTime();
            if (failures.isEmpty() || left <= 0) {
                return failures;
            }
            try {
                Thread.sleep(Math.min(wait.toMillis(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failures;
            }
            wait = RetryBackoff.CLEANUP.after(wait);
        }
    }

    private TaskRecord stoppedByForce(TaskRecord record)
    {
        TaskRecord changed = record;
        for (ContainerRecord container : record.containers()) {
            if (container.status() != Status.STOPPED) {
                changed = changed.withContainer(container.name(), c -> c.stopped(null, FORCED_STOP_REASON));
            }
        }
        return changed.withStopped(host.clock().instant());
    }

    /** Stops watching; the containers keep running for the next agent to adopt. */
    public void shutdown()
    {
        synchronized (this) {
            if (exitWatch != null) {
                exitWatch.ifPresent(ContainerRuntime.ExitWatch::close);
            }
        }
        runners.values().forEach(TaskRunner::detach);
        lifecycles.shutdownNow();
        try {
            lifecycles.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
