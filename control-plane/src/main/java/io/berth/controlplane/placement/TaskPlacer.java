package io.berth.controlplane.placement;

import io.berth.controlplane.events.ClusterEvents;
import io.berth.controlplane.scheduler.ClusterSnapshot;
import io.berth.controlplane.scheduler.PlacementEngine;
import io.berth.controlplane.scheduler.PlacementFailure;
import io.berth.controlplane.scheduler.PlacementPlan;
import io.berth.controlplane.scheduler.PlacementRequest;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.tasks.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Gives waiting tasks a host, inside the caller's transaction: builds a snapshot from the store, asks the
 * {@link PlacementEngine} for a plan, and applies it. A task that fits nowhere keeps waiting in PROVISIONING,
 * with the reasons of its latest attempt stored for the operator; once it has waited placementTimeout it stops
 * with TaskFailedToStart and "Unable to place task: " plus the reason. A host is live while its agent keeps
 * syncing (hostTimeout). Each pass offers at most {@value #BATCH} waiting tasks, chosen fairly across accounts
 * (one account's waiting tasks never keep another's out) and, within an account, the least recently tried first
 * (a task that fits nowhere does not keep the account's other tasks waiting).
 */
public final class TaskPlacer
{
    private static final Logger log = LoggerFactory.getLogger(TaskPlacer.class);
    static final int BATCH = 100;
    public static final String UNABLE_TO_PLACE = "Unable to place task: ";

    private final PlacementEngine engine;
    private final Duration hostTimeout;
    private final Duration placementTimeout;
    private final PlacementObserver observer;
    private final PlacedTasksLedger placedTasks = new PlacedTasksLedger();
    private final AtomicLong placedTaskLists = new AtomicLong();

    public TaskPlacer(PlacementEngine engine, Duration hostTimeout, Duration placementTimeout)
    {
        this(engine, hostTimeout, placementTimeout, PlacementObserver.NONE);
    }

    public TaskPlacer(PlacementEngine engine, Duration hostTimeout, Duration placementTimeout, PlacementObserver observer)
    {
        this.observer = requireNonNull(observer, "observer is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.hostTimeout = requireNonNull(hostTimeout, "hostTimeout is null");
        this.placementTimeout = requireNonNull(placementTimeout, "placementTimeout is null");
    }

    /** Places every task still waiting for a host (or stops it when it waited too long); returns the hosts that received tasks. */
    public Set<String> placeWaiting(StoreTransaction transaction, Instant now)
    {
        if (transaction.tasks().accountsWaiting(1).isEmpty()) {
            return Set.of();
        }
        transaction.hosts().lockForPlacement();
        return placeLocked(transaction, now).touched();
    }

    /**
     * One pass of {@link #placeWaiting}: the hosts that received tasks, and whether another pass may place more (this one
     * placed some, and tasks still wait).
     */
    Pass pass(StoreTransaction transaction, Instant now)
    {
        if (transaction.tasks().accountsWaiting(1).isEmpty()) {
            return new Pass(Set.of(), false);
        }
        transaction.hosts().lockForPlacement();
        Placed placed = placeLocked(transaction, now);
        // a pass offers a batch, at most perAccount of each account's: tasks may wait beyond it
        return new Pass(placed.touched(), placed.any() && !transaction.tasks().accountsWaiting(1).isEmpty());
    }

    /** What placeLocked did: the hosts that received tasks, and whether it placed any. */
    private record Placed(Set<String> touched, boolean any) {}

    /** What a placement pass did: the hosts that received tasks, and whether another pass may place more. */
    record Pass(Set<String> touched, boolean more) {}

    /**
     * As {@link #placeWaiting}, unless another transaction is placing right now: then it places nothing (that one, or the
     * next pass, places what waits). For an agent's sync, which places only so that capacity it freed is used at once (a
     * sync that waited for the lock would hold its database connection through every other placement), and for the
     * leader's pass, whose transaction holds the lease row.
     */
    public Set<String> placeWaitingUnlessPlacing(StoreTransaction transaction, Instant now)
    {
        if (transaction.tasks().accountsWaiting(1).isEmpty() || !transaction.hosts().tryLockForPlacement()) {
            return Set.of();
        }
        return placeLocked(transaction, now).touched();
    }

    private Placed placeLocked(StoreTransaction transaction, Instant now)
    {
        // read under the lock: another placer may have placed some of them meanwhile
        List<Task> waiting = waiting(transaction);
        PlacedTasksLedger.PlacedTasks placedTasks = this.placedTasks.placed(transaction);
        ClusterSnapshot snapshot = ClusterSnapshots.of(transaction.hosts().all(), placedTasks.use(), now.minus(hostTimeout));
        Map<String, Task> byId = waiting.stream().collect(Collectors.toMap(Task::taskId, Function.identity(), (first, second) -> first, LinkedHashMap::new));
        PlacementPlan plan = engine.place(snapshot, waiting.stream().map(TaskPlacer::request).toList());

        Set<String> touched = new HashSet<>();
        for (PlacementPlan.Assignment assignment : plan.assignments()) {
            Task task = byId.get(assignment.taskId());
            transaction.tasks().updateIfChanged(task, task.withState(TaskTransitions.placed(task.state(), assignment.hostId())));
            ClusterEvents.taskPlaced(transaction, task, assignment.hostId(), now);
            transaction.placementAttempts().delete(task.taskId());
            touched.add(assignment.hostId());
            log.info("Placed task {} on host {}", task.taskId(), assignment.hostId());
            observer.placed(Duration.between(task.createdAt(), now));
        }
        for (PlacementFailure failure : plan.failures()) {
            Task task = byId.get(failure.taskId());
            if (!now.isBefore(task.createdAt().plus(placementTimeout))) {
                String reason = UNABLE_TO_PLACE + failure.message();
                Task stopped = task.withState(TaskTransitions.unplaceable(task.state(), reason, now));
                transaction.tasks().updateIfChanged(task, stopped);
                ClusterEvents.taskStopped(transaction, stopped, now);
                log.info("Task {} stopped after waiting {} for a host: {}", task.taskId(), placementTimeout, failure.message());
                observer.unplaceable();
            }
            else {
                boolean first = transaction.placementAttempts().find(task.taskId()).isEmpty();
                transaction.placementAttempts().record(attempt(failure, now));
                observer.deferred();
                if (first) {
                    ClusterEvents.taskWaiting(transaction, task, failure.message(), now);
                    log.info("Task {} waits for a host: {}", task.taskId(), failure.message());
                }
            }
        }
        // on-demand tasks that found no room take it from spot tasks; they are placed once those have stopped. Only then
        // is the list of every placed task made: from a copy a commit moved on, that costs O(tasks in the cluster), and
        // every RunTask waits for its round (more than half of the placement CPU of a simulated fleet, docs/benchmarks.md)
        List<Task> placed = List.of();
        if (!plan.failures().isEmpty()) {
            placed = placedTasks.tasks();
            placedTaskLists.incrementAndGet();
        }
        for (Task planned : SpotInterruptions.plan(snapshot, placed, waiting, plan.failures())) {
            // the placed tasks may be a copy older than the store in what placement does not read: write the task as stored
            Task spot = transaction.tasks().find(planned.taskId()).orElse(null);
            if (spot == null || spot.state().lastStatus() == TaskStatus.STOPPED || !planned.state().hostId().equals(spot.state().hostId())) {
                continue;
            }
            String why = "Its capacity went to on-demand tasks waiting for a host.";
            if (transaction.tasks().updateIfChanged(spot, spot.withState(TaskTransitions.spotInterrupted(spot.state(), why, now)))) {
                touched.add(spot.state().hostId());
                log.info("Spot task {} on host {} interrupted: {}", spot.taskId(), spot.state().hostId(), why);
            }
        }
        return new Placed(touched, !plan.assignments().isEmpty());
    }

    /** How many times a placement made the list of every placed task (to find spot tasks to interrupt): for tests. */
    long placedTaskLists()
    {
        return placedTaskLists.get();
    }

    /** How many times a placement read every placed task (the others were served from this replica's copy): for tests. */
    long placedTaskReads()
    {
        return placedTasks.reads();
    }

    /** A bounded batch of waiting tasks, taken account by account (see {@link FairSelection}). */
    private static List<Task> waiting(StoreTransaction transaction)
    {
        List<String> accounts = transaction.tasks().accountsWaiting(BATCH);
        int perAccount = FairSelection.perAccount(accounts.size(), BATCH);
        List<List<Task>> queues = accounts.stream().map(accountId -> transaction.tasks().unplaced(accountId, perAccount)).toList();
        return FairSelection.roundRobin(queues, BATCH);
    }

    private static PlacementAttempt attempt(PlacementFailure failure, Instant now)
    {
        Map<String, String> hostReasons = new LinkedHashMap<>();
        failure.hostReasons().entrySet().stream()
                .limit(PlacementAttempt.MAX_HOSTS)
                .forEach(entry -> hostReasons.put(entry.getKey(), entry.getValue().code()));
        return new PlacementAttempt(failure.taskId(), now, failure.reasonCode(), failure.message(), hostReasons);
    }

    private static PlacementRequest request(Task task)
    {
        return new PlacementRequest(task.taskId(), task.cpu(), task.memory(), task.group() == null ? "" : task.group(),
                task.placement().placementStrategies(), task.placement().placementConstraints(), task.isolation());
    }
}
