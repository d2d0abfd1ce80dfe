package io.berth.controlplane.placement;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.scheduler.PlacementEngine;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.tasks.TaskTransitions;
import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's copy of the placed tasks, on PostgreSQL where transactions really interleave: it follows the replica's own
 * placements without reading every placed task again, is read afresh after any other change, and is never older than the
 * store when placement uses it (no host takes more than it has).
 */
class PlacedTasksLedgerTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    private static final List<String> HOSTS = List.of("host-a", "host-b");

    private Store store;

    @BeforeEach
    void openStore()
    {
        store = Store.open(postgres.jdbcUrl());
        Instant now = Instant.now();
        // 2 hosts of 1024 cpu units hold 8 tasks of 256
        HOSTS.forEach(hostId -> store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.1", 1024, 8192, Map.of()), now)));
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void roundsPlaceFromTheCopyTheirOwnPlacementsKeepAndAStopMakesItReadAfresh()
    {
        // the tasks other tests of this class placed in the same database are stopped first: the hosts start empty
        store.useTransaction(transaction -> transaction.tasks().placedNotStopped().forEach(task ->
                transaction.tasks().updateIfChanged(task, task.withState(TaskTransitions.stoppedUnstarted(task.state(), Instant.now())))));
        TaskPlacer placer = new TaskPlacer(new PlacementEngine(new Random(7)), Duration.ofMinutes(1), Duration.ofMinutes(5));
        PlacementRounds rounds = new PlacementRounds(store, placer, new HostSignals(), Clock.systemUTC());
        for (int i = 0; i < 10; i++) {
            Task task = WaitingTasks.task();
            store.useTransaction(transaction -> transaction.tasks().insert(task));
            rounds.placeCommitted();
            if (i == 7) {
                // every task so far found a host: no round made the list of every placed task
                assertThat(placer.placedTaskLists()).isZero();
            }
        }
        // the last two found no host: their rounds looked for spot tasks to interrupt
        assertThat(placer.placedTaskLists()).isPositive();
        // the copy took each round's placements: the placed tasks were read once, and no host took more than it has
        assertThat(placer.placedTaskReads()).isEqualTo(1);
        List<Task> placed = placedInStore();
        assertThat(placed).hasSize(8);
        HOSTS.forEach(hostId -> assertThat(placed.stream().filter(task -> task.state().hostId().equals(hostId))).hasSize(4));

        // a host reports a task stopped: the epoch moves past the copy, and the next round reads afresh and fills the room
        Task stopping = placed.getFirst();
        store.useTransaction(transaction -> transaction.tasks().updateIfChanged(stopping,
                stopping.withState(TaskTransitions.stoppedUnstarted(stopping.state(), Instant.now()))));
        rounds.placeCommitted();
        assertThat(placer.placedTaskReads()).isEqualTo(2);
        assertThat(placedInStore()).hasSize(8).noneMatch(task -> task.taskId().equals(stopping.taskId()));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCopyServesOnlyAtItsEpochAndLetsGoWhenAnotherTransactionChangedPlacedTasksInBetween()
            throws Exception
    {
        PlacedTasksLedger ledger = new PlacedTasksLedger();
        // the tasks other tests of this class placed in the same database
        List<String> earlier = ids(placedInStore());
        Task first = waiting();
        store.useTransaction(transaction -> {
            assertThat(ids(ledger.placedNotStopped(transaction))).containsExactlyInAnyOrderElementsOf(earlier);
            place(transaction, first, "host-a");
        });
        // the commit's own placement went into the copy
        assertThat(ids(store.inTransaction(ledger::placedNotStopped))).containsExactlyInAnyOrderElementsOf(plus(earlier, first));
        assertThat(ledger.reads()).isEqualTo(1);

        // a transaction serves from the copy; before it commits its own placement, another commits one
        Task mine = waiting();
        Task theirs = waiting();
        CountDownLatch servedFromCopy = new CountDownLatch(1);
        CountDownLatch theyCommitted = new CountDownLatch(1);
        CompletableFuture<Void> own = CompletableFuture.runAsync(() -> store.useTransaction(transaction -> {
            assertThat(ids(ledger.placedNotStopped(transaction))).containsExactlyInAnyOrderElementsOf(plus(earlier, first));
            servedFromCopy.countDown();
            await(theyCommitted);
            place(transaction, mine, "host-b");
        }));
        await(servedFromCopy);
        store.useTransaction(transaction -> place(transaction, theirs, "host-b"));
        theyCommitted.countDown();
        own.get(30, TimeUnit.SECONDS);

        // the epoch moved by two: the copy let go, and the next read has all three
        assertThat(ids(store.inTransaction(ledger::placedNotStopped)))
                .containsExactlyInAnyOrderElementsOf(ids(placedInStore()))
                .containsExactlyInAnyOrderElementsOf(plus(earlier, first, mine, theirs));
        assertThat(ledger.reads()).isEqualTo(2);
        // and what they take of each host, kept along with the copy, is what the store's tasks take
        Task fourth = waiting();
        store.useTransaction(transaction -> {
            ledger.placed(transaction);
            place(transaction, fourth, "host-a");
        });
        assertThat(store.inTransaction(ledger::placed).use()).isEqualTo(HostUse.of(placedInStore()));
        assertThat(ledger.reads()).isEqualTo(2);
        // a transaction that changed placed tasks itself reads through the copy: its own changes are in none
        Task fifth = waiting();
        store.useTransaction(transaction -> {
            place(transaction, fifth, "host-a");
            assertThat(ledger.placedNotStopped(transaction)).extracting(Task::taskId).contains(fifth.taskId());
        });
        assertThat(ledger.reads()).isEqualTo(2);
        assertThat(store.inTransaction(ledger::placed).use()).isEqualTo(HostUse.of(placedInStore()));
        assertThat(ledger.reads()).isEqualTo(3);
    }

    private static List<String> ids(List<Task> tasks)
    {
        return tasks.stream().map(Task::taskId).toList();
    }

    private static List<String> plus(List<String> ids, Task... tasks)
    {
        List<String> all = new java.util.ArrayList<>(ids);
        for (Task task : tasks) {
            all.add(task.taskId());
        }
        return all;
    }

    private Task waiting()
    {
        Task task = WaitingTasks.task();
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        return task;
    }

    private static void place(StoreTransaction transaction, Task task, String hostId)
    {
        Task read = transaction.tasks().find(task.taskId()).orElseThrow();
        transaction.tasks().updateIfChanged(read, read.withState(TaskTransitions.placed(read.state(), hostId)));
    }

    private List<Task> placedInStore()
    {
        return store.inTransaction(transaction -> transaction.tasks().placedNotStopped()).stream()
                .filter(task -> task.state().lastStatus() != TaskStatus.STOPPED)
                .toList();
    }

    private static void await(CountDownLatch latch)
    {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
