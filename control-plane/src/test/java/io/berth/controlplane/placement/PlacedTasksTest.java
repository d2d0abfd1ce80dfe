package io.berth.controlplane.placement;

import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskTransitions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy of the placed tasks moved on by commits: what it takes of each host follows at once, and its list, made only
 * when asked (after any number of commits, past the bound that makes it anyway), is what a read of the store would give.
 */
class PlacedTasksTest
{
    @Test
    void aCopyMovedOnByCommitsIsTheCopyOfWhatTheyLeft()
    {
        Random random = new Random(17);
        Map<String, Task> store = new LinkedHashMap<>();
        PlacedTasksLedger.PlacedTasks copy = PlacedTasksLedger.PlacedTasks.of(List.of());
        for (int commit = 0; commit < 300; commit++) {
            List<StoreTransaction.PlacedTaskWrite> writes = new ArrayList<>();
            for (int write = random.nextInt(4); write >= 0; write--) {
                List<Task> held = new ArrayList<>(store.values());
                if (held.isEmpty() || random.nextInt(3) > 0) {
                    Task task = WaitingTasks.task();
                    Task placed = task.withState(TaskTransitions.placed(task.state(), "host-" + random.nextInt(5)));
                    writes.add(new StoreTransaction.PlacedTaskWrite(null, placed));
                    store.put(placed.taskId(), placed);
                }
                else {
                    Task before = held.get(random.nextInt(held.size()));
                    Task stopped = before.withState(TaskTransitions.stoppedUnstarted(before.state(), Instant.now()));
                    writes.add(new StoreTransaction.PlacedTaskWrite(before, stopped));
                    store.remove(before.taskId());
                }
            }
            copy = copy.with(writes);
            PlacedTasksLedger.PlacedTasks read = PlacedTasksLedger.PlacedTasks.of(List.copyOf(store.values()));
            assertThat(copy.use()).as("commit %d", commit).isEqualTo(read.use());
            if (commit % 97 == 0) {
                assertThat(copy.tasks()).as("commit %d", commit).containsExactlyElementsOf(read.tasks());
            }
        }
        assertThat(copy.tasks()).containsExactlyElementsOf(store.values());
    }

    @Test
    void aCopyInTheMiddleOfAChainMakesItsOwnListAfterTheNewestMadeItsFromTheSameCopies()
    {
        Random random = new Random(29);
        Map<String, Task> store = new LinkedHashMap<>();
        PlacedTasksLedger.PlacedTasks copy = PlacedTasksLedger.PlacedTasks.of(List.of());
        PlacedTasksLedger.PlacedTasks middle = null;
        List<Task> middleStore = null;
        // fewer commits than the bound: the whole chain is unmade until the newest is asked
        for (int commit = 0; commit < 40; commit++) {
            Task task = WaitingTasks.task();
            Task placed = task.withState(TaskTransitions.placed(task.state(), "host-" + random.nextInt(5)));
            store.put(placed.taskId(), placed);
            copy = copy.with(List.of(new StoreTransaction.PlacedTaskWrite(null, placed)));
            if (commit == 20) {
                middle = copy;
                middleStore = List.copyOf(store.values());
            }
        }
        assertThat(copy.tasks()).containsExactlyElementsOf(store.values());
        assertThat(middle.tasks()).containsExactlyElementsOf(middleStore);
    }
}
