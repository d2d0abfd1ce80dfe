package io.berth.controlplane.store;

import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tasks a transaction wrote in a way placement sees: a task that became or stopped being placed and not STOPPED, or
 * a placed one whose host or desired status changed. The store adds one to the placed tasks' epoch as such a transaction
 * commits (see {@link StoreTransaction#placedTasksEpoch()}), and hands the tasks as written to whoever keeps a copy.
 */
final class PlacedTaskChanges
{
    private final List<StoreTransaction.PlacedTaskWrite> written = new ArrayList<>();

    /** Notes after (as stored) when placement sees it otherwise than before (null: a new task). */
    void wrote(Task before, Task after)
    {
        if (placementSees(before) || placementSees(after)) {
            boolean same = placementSees(before) && placementSees(after)
                    && Objects.equals(before.state().hostId(), after.state().hostId())
                    && before.state().desiredStatus() == after.state().desiredStatus();
            if (!same) {
                written.add(new StoreTransaction.PlacedTaskWrite(before, after));
            }
        }
    }

    boolean any()
    {
        return !written.isEmpty();
    }

    List<StoreTransaction.PlacedTaskWrite> written()
    {
        return List.copyOf(written);
    }

    /** What placement reads: the tasks that hold a host's capacity (placed, not STOPPED). */
    static boolean placementSees(Task task)
    {
        return task != null && task.state().hostId() != null && task.state().lastStatus() != TaskStatus.STOPPED;
    }
}
