package io.berth.controlplane.placement;

import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;

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

    /** The placed tasks, and what they take of each host (by host id), kept along with them. */
    record PlacedTasks(List<Task> tasks, Map<String, HostUse> use)
    {
        static final PlacedTasks NONE = new PlacedTasks(List.of(), Map.of());

        static PlacedTasks of(List<Task> tasks)
        {
            return new PlacedTasks(tasks, HostUse.of(tasks));
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
        Map<String, Task> byId = new LinkedHashMap<>();
        copy.tasks().forEach(task -> byId.put(task.taskId(), task));
        Map<String, HostUse> use = new HashMap<>(copy.use());
        for (Task written : transaction.placedTasksWritten()) {
            Task was = byId.remove(written.taskId());
            if (was != null) {
                use.computeIfPresent(was.state().hostId(), (hostId, used) -> used.with(was, -1));
            }
            if (written.state().hostId() != null && written.state().lastStatus() != TaskStatus.STOPPED) {
                byId.put(written.taskId(), written);
                use.merge(written.state().hostId(), HostUse.NONE.with(written, 1), (used, ignored) -> used.with(written, 1));
            }
        }
        copy = new PlacedTasks(List.copyOf(byId.values()), Map.copyOf(use));
        epoch = base + 1;
    }
}
