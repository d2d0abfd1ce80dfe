package io.berth.controlplane.hosts;

import io.berth.controlplane.events.EventType;
import io.berth.controlplane.events.ClusterEvents;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.tasks.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The operator's view of hosts and what maintenance does to them.
 *
 * <ul>
 * <li>cordon: the host gets no new tasks; its tasks keep running. uncordon: ACTIVE again (also ends a drain).</li>
 * <li>drain: no new tasks; at the deadline every standalone task still on the host is stopped with stopCode
 * UserInitiated (the operator asked) and stoppedReason "Host H was drained for maintenance"; once the host holds
 * no task it becomes CORDONED, empty and ready for maintenance.</li>
 * <li>lost: a host silent for longer than hostLostAfter (counted from this control plane's start at the earliest) is marked LOST and its tasks are recorded STOPPED with
 * "Host H was lost: no heartbeat since T" (TaskFailedToStart if never started, else EssentialContainerExited). If
 * it syncs again it returns to the operator's state, and the sync answer leaves out the stopped tasks, so its
 * agent stops them.</li>
 * <li>remove: the host is forgotten with its credential (its agent can no longer sync) and its slice of the task
 * CIDR goes back to the plan. A host holding tasks that are not STOPPED is refused unless forced; forced, its tasks
 * are recorded STOPPED with "Host H was removed by the operator".</li>
 * </ul>
 * A host lost, back or removed changes every other host's peers, so the others are woken to sync.
 */
public final class HostService
{
    private static final Logger log = LoggerFactory.getLogger(HostService.class);
    public static final Duration DEFAULT_DRAIN_DEADLINE = Duration.ofMinutes(5);

    private final Store store;
    private final HostSignals hostSignals;
    private final Duration hostLostAfter;
    private final Clock clock;
    private final Instant startedAt;
    private final Consumer<String> credentialRevoked;

    /** credentialRevoked: told of each host whose credential a removal revoked, once that has committed (see HostAccess). */
    public HostService(Store store, HostSignals hostSignals, Duration hostLostAfter, Clock clock, Consumer<String> credentialRevoked)
    {
        this.credentialRevoked = requireNonNull(credentialRevoked, "credentialRevoked is null");
        this.store = requireNonNull(store, "store is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
        this.hostLostAfter = requireNonNull(hostLostAfter, "hostLostAfter is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.startedAt = clock.instant();
    }

    public List<HostSummary> list()
    {
        return store.inTransaction(transaction -> {
            Map<String, int[]> cpuAndTasks = new HashMap<>();
            Map<String, long[]> memory = new HashMap<>();
            for (Task task : transaction.tasks().placedNotStopped()) {
                int[] counters = cpuAndTasks.computeIfAbsent(task.state().hostId(), ignored -> new int[2]);
                counters[0] += task.cpu();
                counters[1]++;
                memory.computeIfAbsent(task.state().hostId(), ignored -> new long[1])[0] += task.memory();
            }
            return transaction.hosts().all().stream()
                    .map(host -> {
                        int[] counters = cpuAndTasks.getOrDefault(host.hostId(), new int[2]);
                        return new HostSummary(host, counters[0], memory.getOrDefault(host.hostId(), new long[1])[0], counters[1]);
                    })
                    .toList();
        });
    }

    public HostSummary find(String hostId)
    {
        return list().stream().filter(summary -> summary.host().hostId().equals(hostId)).findFirst()
                .orElseThrow(() -> unknownHost(hostId));
    }

    public HostSummary cordon(String hostId)
    {
        setState(hostId, HostState.CORDONED, null, EventType.HOST_CORDONED, "cordoned: it gets no new tasks");
        log.info("Host {} cordoned: it gets no new tasks", hostId);
        return find(hostId);
    }

    public HostSummary uncordon(String hostId)
    {
        setState(hostId, HostState.ACTIVE, null, EventType.HOST_UNCORDONED, "uncordoned: it takes new tasks again");
        log.info("Host {} uncordoned: it takes new tasks again", hostId);
        return find(hostId);
    }

    public HostSummary drain(String hostId, Duration deadline)
    {
        if (deadline.isNegative()) {
            throw InvalidRequestException.invalidValue("The drain deadline cannot be negative, got " + deadline + ".");
        }
        Instant at = clock.instant().plus(deadline);
        setState(hostId, HostState.DRAINING, at, EventType.HOST_DRAINING, "draining: no new tasks; its standalone tasks are stopped at " + at);
        log.info("Host {} draining: no new tasks; its tasks stop at {}", hostId, at);
        finishDrains();
        return find(hostId);
    }

    /**
     * Marks silent hosts lost and stops their tasks; returns the ids of the hosts marked. Silence counts from this
     * control plane's start at the earliest: while it was down no agent could reach it, so after downtime longer
     * than hostLostAfter every host would look lost and every task would be stopped, though all kept running.
     */
    public List<String> markLostHosts()
    {
        Instant now = clock.instant();
        if (now.isBefore(startedAt.plus(hostLostAfter))) {
            return List.of();
        }
        List<String> lost = store.inTransaction(transaction -> {
            List<String> marked = new ArrayList<>();
            Instant cutoff = now.minus(hostLostAfter);
            for (Host host : transaction.hosts().silentSince(cutoff)) {
                if (!transaction.hosts().markLostIfSilentSince(host.hostId(), cutoff, now)) {
                    continue; // it heartbeat in between
                }
                String reason = lostReason(host.hostId()) + host.lastHeartbeat();
                List<Task> tasks = transaction.tasks().onHost(host.hostId());
                // the host's event first, then its tasks' stops, as an operator reads them
                ClusterEvents.host(transaction, EventType.HOST_LOST, host.hostId(), "lost: no heartbeat since " + host.lastHeartbeat() + "; "
                        + tasks.size() + " of its tasks recorded STOPPED", now);
                int stopped = stopWithHost(transaction, tasks, reason, now);
                log.warn("Host {} marked LOST: no heartbeat since {}; {} of its tasks recorded STOPPED", host.hostId(), host.lastHeartbeat(), stopped);
                marked.add(host.hostId());
            }
            return marked;
        });
        if (!lost.isEmpty()) {
            signalAllBut(lost);
        }
        return lost;
    }

    /**
     * Forgets the host, its credential and its slice. Refuses (HostHasTasksException) a host holding tasks that
     * are not STOPPED unless force; with force those tasks are recorded STOPPED. HostNotFoundException for an
     * unknown host.
     */
    public HostRemoval remove(String hostId, boolean force)
    {
        Instant now = clock.instant();
        HostRemoval removal = store.inTransaction(transaction -> {
            Host host = transaction.hosts().find(hostId).orElseThrow(() -> new HostNotFoundException(hostId));
            List<Task> tasks = transaction.tasks().onHost(hostId);
            if (!tasks.isEmpty() && !force) {
                throw new HostHasTasksException(hostId, tasks.size());
            }
            ClusterEvents.host(transaction, EventType.HOST_REMOVED, hostId, "removed by the operator: credential revoked, "
                    + tasks.size() + " of its tasks recorded STOPPED", now);
            int stopped = stopWithHost(transaction, tasks, removalReason(hostId), now);
            transaction.hosts().delete(hostId);
            // revoked rather than forgotten: its agent is told why it is refused
            transaction.hostCredentials().revoke(hostId, now);
            return new HostRemoval(hostId, host.taskSubnet(), stopped);
        });
        credentialRevoked.accept(hostId);
        log.info("Host {} removed by the operator: credential revoked, task subnet {} freed, {} of its tasks recorded STOPPED",
                hostId, removal.taskSubnet(), removal.stoppedTasks());
        signalAllBut(List.of(hostId));
        return removal;
    }

    /** Records a host's tasks STOPPED with reason (its agent is gone or going); returns how many were not already. */
    private static int stopWithHost(StoreTransaction transaction, List<Task> tasks, String reason, Instant now)
    {
        int stopped = 0;
        for (Task task : tasks) {
            Task after = task.withState(TaskTransitions.hostLost(task.state(), reason, now));
            if (transaction.tasks().updateIfChanged(task, after)) {
                ClusterEvents.taskStopped(transaction, after, now);
                stopped++;
            }
        }
        return stopped;
    }

    public static String removalReason(String hostId)
    {
        return "Host " + hostId + " was removed by the operator";
    }

    /** The start of the stoppedReason of a task whose host was lost; the time of its last heartbeat follows. */
    private static String lostReason(String hostId)
    {
        return "Host " + hostId + " was lost: no heartbeat since ";
    }

    /** Whether a task on hostId was recorded STOPPED with this reason because the host was lost or removed. */
    public static boolean stoppedWithHost(String hostId, String stoppedReason)
    {
        return hostId != null && stoppedReason != null && (stoppedReason.equals(removalReason(hostId)) || stoppedReason.startsWith(lostReason(hostId)));
    }

    /** Wakes every host but these: their peers (and the task endpoints they know) changed. */
    private void signalAllBut(List<String> changed)
    {
        store.inTransaction(transaction -> transaction.hosts().all()).stream()
                .map(Host::hostId)
                .filter(hostId -> !changed.contains(hostId))
                .forEach(hostSignals::signal);
    }

    /**
     * Stops the tasks of draining hosts whose deadline has passed, and turns draining hosts that hold no task into
     * CORDONED ones. Returns the hosts told to stop tasks.
     */
    public Set<String> finishDrains()
    {
        Instant now = clock.instant();
        Set<String> signalled = store.inTransaction(transaction -> {
            Set<String> hosts = new HashSet<>();
            for (Host host : transaction.hosts().draining()) {
                List<Task> tasks = transaction.tasks().onHost(host.hostId());
                if (tasks.isEmpty()) {
                    transaction.hosts().setOperatorState(host.hostId(), HostState.CORDONED, null);
                    ClusterEvents.host(transaction, EventType.HOST_DRAINED, host.hostId(), "drained: it holds no task and stays cordoned", now);
                    log.info("Host {} drained: it holds no task and stays cordoned", host.hostId());
                    continue;
                }
                if (host.drainDeadline() != null && !now.isBefore(host.drainDeadline())) {
                    stopForDrain(transaction, host, tasks, now, hosts);
                }
            }
            return hosts;
        });
        signalled.forEach(hostSignals::signal);
        return signalled;
    }

    private static void stopForDrain(StoreTransaction transaction, Host host, List<Task> tasks, Instant now, Set<String> signalled)
    {
        String reason = drainReason(host.hostId());
        for (Task task : tasks) {
            if (task.state().desiredStatus() == TaskStatus.STOPPED) {
                continue;
            }
            Task after = task.withState(TaskTransitions.stopRequested(task.state(), reason, now));
            if (transaction.tasks().updateIfChanged(task, after)) {
                ClusterEvents.taskStopRequested(transaction, after, now);
            }
            signalled.add(host.hostId());
            log.info("Task {} on draining host {} told to stop: drain deadline passed", task.taskId(), host.hostId());
        }
    }

    public static String drainReason(String hostId)
    {
        return "Host " + hostId + " was drained for maintenance";
    }

    private void setState(String hostId, HostState state, Instant drainDeadline, EventType event, String message)
    {
        Instant now = clock.instant();
        boolean updated = store.inTransaction(transaction -> {
            boolean set = transaction.hosts().setOperatorState(hostId, state, drainDeadline);
            if (set) {
                ClusterEvents.host(transaction, event, hostId, message, now);
            }
            return set;
        });
        if (!updated) {
            throw unknownHost(hostId);
        }
    }

    private static InvalidRequestException unknownHost(String hostId)
    {
        return InvalidRequestException.invalidValue("No host " + hostId + " has joined this control plane; `berth host ls` lists the hosts.");
    }
}
