package io.berth.controlplane.placement;

import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This replica's copy of the placed tasks (placed, not STOPPED) as placement reads them, kept at the store's placed
 * tasks' epoch ({@link StoreTransaction#placedTasksEpoch()}). Every placement round read every placed task, which made a
 * round cost O(tasks in the cluster) whatever it placed (half of RunTask's CPU with a thousand tasks, measured with a
 * simulated fleet: docs/benchmarks.md). A round now reads the epoch; when it is the copy's, the copy serves, and once the
 * round's own placements have committed the copy takes them and moves to the epoch they made, provided that epoch is
 * the next one (no other transaction changed a placed task in between: the epoch's row is locked from the increment to
 * the commit, so such a change would have made it move by more). Anything else (a stop reported by a host, a StopTask,
 * another replica's placement) moves the epoch past the copy, and the next round reads every placed task again.
 * <p>
 * The copy's tasks are as placement sees them (host, size, group, desired status, spot): other parts of them (the last
 * status a host reported, the version) may be older than the store's, so whoever writes one of them reads it first.
 */
final class PlacedTasksLedger
{
    private long epoch = -1;
    private PlacedTasks copy = PlacedTasks.NONE;
    private long reads;

    /**
     * The placed tasks, and what they take of each host (by host id), kept along with them. A copy that a commit moved on
     * keeps what it takes of each host at once (placement reads that every round), but makes its list of tasks from the
     * copy before and the tasks written only when asked (a round asks only when some task found no host, to see which
     * spot tasks could make room): a list of every placed task made at every round's commit cost the round, which every
     * RunTask waits for, O(tasks in the cluster).
     */
    static final class PlacedTasks
    {
        static final PlacedTasks NONE = of(List.of());
        /** Copies made from the one before at most, before the list is made anyway: what each holds alive stays bounded. */
        private static final int MAX_UNMADE = 64;

        private final Map<String, HostUse> use;
        private PlacedTasks before;
        private List<Task> written;
        private List<Task> tasks;
        private final int unmade;

        private PlacedTasks(Map<String, HostUse> use, PlacedTasks before, List<Task> written, List<Task> tasks, int unmade)
        {
            this.use = use;
            this.before = before;
            this.written = written;
            this.tasks = tasks;
            this.unmade = unmade;
        }

        static PlacedTasks of(List<Task> tasks)
        {
            return new PlacedTasks(HostUse.of(tasks), null, null, List.copyOf(tasks), 0);
        }

        Map<String, HostUse> use()
        {
            return use;
        }

        /**
         * Every placed task, in the order the store gives them, then as they were written. Made from the nearest copy
         * before with its list, in one map: a list made for each copy in between (as a call on each would) cost the
         * round that made it O(tasks in the cluster) once per copy, {@link #MAX_UNMADE} times over.
         */
        List<Task> tasks()
        {
            synchronized (this) {
                if (tasks != null) {
                    return tasks;
                }
            }
            // the copies in between, newest first; each one's fields are read under its own lock (a round holding an
            // older copy may be making its list now), and locks are taken newest to oldest only, one at a time
            Deque<List<Task>> writes = new ArrayDeque<>();
            List<Task> base = null;
            for (PlacedTasks copy = this; base == null; ) {
                PlacedTasks older;
                synchronized (copy) {
                    if (copy.tasks != null) {
                        base = copy.tasks;
                        break;
                    }
                    writes.push(copy.written);
                    older = copy.before;
                }
                copy = older;
            }
            Map<String, Task> byId = new LinkedHashMap<>();
            base.forEach(task -> byId.put(task.taskId(), task));
            for (List<Task> written : writes) {
                for (Task task : written) {
                    byId.remove(task.taskId());
                    if (placementSees(task)) {
                        byId.put(task.taskId(), task);
                    }
                }
            }
            List<Task> made = List.copyOf(byId.values());
            synchronized (this) {
                tasks = made;
                before = null;
                written = null;
            }
            return made;
        }

        /** This copy with the tasks a commit wrote (as stored): those placed and not STOPPED are in it, the others not. */
        PlacedTasks with(List<StoreTransaction.PlacedTaskWrite> writes)
        {
            Map<String, HostUse> changed = new HashMap<>(use);
            List<Task> writtenTasks = new ArrayList<>();
            for (StoreTransaction.PlacedTaskWrite write : writes) {
                Task was = write.before();
                if (was != null && placementSees(was)) {
                    // a host left with nothing is left out, as a copy read afresh leaves it
                    changed.computeIfPresent(was.state().hostId(), (hostId, used) -> {
                        HostUse left = used.with(was, -1);
                        return left.equals(HostUse.NONE) ? null : left;
                    });
                }
                Task task = write.after();
                if (placementSees(task)) {
                    changed.merge(task.state().hostId(), HostUse.NONE.with(task, 1), (used, ignored) -> used.with(task, 1));
                }
                writtenTasks.add(task);
            }
            PlacedTasks next = new PlacedTasks(Map.copyOf(changed), this, List.copyOf(writtenTasks), null, unmade + 1);
            if (next.unmade >= MAX_UNMADE) {
                return new PlacedTasks(next.use, null, null, next.tasks(), 0);
            }
            return next;
        }

        private static boolean placementSees(Task task)
        {
            return task.state().hostId() != null && task.state().lastStatus() != TaskStatus.STOPPED;
        }
    }

    /**
     * The placed tasks, read in transaction or served from the copy. A transaction that has changed placed tasks itself
     * reads them (its own changes are in no copy).
     */
    List<Task> placedNotStopped(StoreTransaction transaction)
    {
        return placed(transaction).tasks();
    }

    /** As {@link #placedNotStopped}, with what they take of each host. */
    PlacedTasks placed(StoreTransaction transaction)
    {
        if (transaction.changesPlacedTasks()) {
            return PlacedTasks.of(transaction.tasks().placedNotStopped());
        }
        // the epoch is read before the rows: what they show is then at least as new as the epoch says
        long current = transaction.placedTasksEpoch();
        PlacedTasks served;
        synchronized (this) {
            served = current == epoch ? copy : null;
        }
        if (served == null) {
            served = PlacedTasks.of(transaction.tasks().placedNotStopped());
            synchronized (this) {
                reads++;
                epoch = current;
                copy = served;
            }
        }
        transaction.afterCommit(() -> committed(current, transaction));
        return served;
    }

    /** How many times every placed task was read: for tests. */
    synchronized long reads()
    {
        return reads;
    }

    /** After the commit of a transaction that placed from the copy at base: takes its changes, or lets the copy go. */
    private synchronized void committed(long base, StoreTransaction transaction)
    {
        if (!transaction.changesPlacedTasks()) {
            return;
        }
        long made = transaction.committedPlacedTasksEpoch();
        if (epoch >= made) {
            // a round that came after this commit read the placed tasks at its epoch, or later, already
            return;
        }
        if (epoch != base || made != base + 1) {
            epoch = -1;
            copy = PlacedTasks.NONE;
            return;
        }
        copy = copy.with(transaction.placedTasksWritten());
        epoch = base + 1;
    }
}
