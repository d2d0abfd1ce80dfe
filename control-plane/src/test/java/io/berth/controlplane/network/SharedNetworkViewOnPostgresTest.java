package io.berth.controlplane.network;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.placement.WaitingTasks;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskTransitions;
import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plans' shared view of the cluster's network on PostgreSQL, where transactions really interleave: endpoint changes
 * that this replica committed move the view to their epoch whichever transaction made them and in whatever order their
 * commits came, so a burst of task starts, each reported by its host's sync, does not make every sync read the cluster
 * whole; and the view moved so is the one a read afresh makes.
 */
class SharedNetworkViewOnPostgresTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    private Store store;
    private final TaskNetwork network = new TaskNetwork(TaskAddressPlan.of("10.77.0.0/16", 24));

    @BeforeEach
    void openStore()
    {
        store = Store.open(postgres.jdbcUrl());
        Instant now = Instant.now();
        for (String hostId : List.of("host-a", "host-b")) {
            store.useTransaction(transaction -> {
                transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2." + (hostId.endsWith("a") ? 11 : 12), 4096, 8192, Map.of()), now);
                network.ensureSlice(transaction, hostId);
            });
        }
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void endpointChangesCommittedByAnyTransactionInAnyOrderMoveTheViewWithoutAReadOfTheCluster()
            throws Exception
    {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Task task = WaitingTasks.task();
            Task placed = task.withState(TaskTransitions.placed(task.state(), "host-a"));
            store.useTransaction(transaction -> transaction.tasks().insert(placed));
            tasks.add(placed);
        }
        assertThat(planOf("host-b").endpoints()).isEmpty();
        long built = network.builds();

        // a transaction that reads no plan gives a task its address
        giveAddress(tasks.get(0), "10.77.0.2");
        assertThat(planOf("host-b").endpoints()).extracting(TaskEndpoint::ipv4Address).containsExactly("10.77.0.2");
        assertThat(network.builds()).as("views read whole").isEqualTo(built);

        // two syncs report a task started each; the one that read the view first commits last
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch secondCommitted = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> store.useTransaction(transaction -> {
            Task task = transaction.tasks().find(tasks.get(1).taskId()).orElseThrow();
            transaction.tasks().updateIfChanged(task, withAddress(task, "10.77.0.3"));
            network.planFor(transaction, "host-a").orElseThrow();
            firstRead.countDown();
            await(secondCommitted);
        }));
        await(firstRead);
        store.useTransaction(transaction -> {
            Task task = transaction.tasks().find(tasks.get(2).taskId()).orElseThrow();
            transaction.tasks().updateIfChanged(task, withAddress(task, "10.77.0.4"));
            network.planFor(transaction, "host-a").orElseThrow();
        });
        secondCommitted.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertThat(planOf("host-b").endpoints()).extracting(TaskEndpoint::ipv4Address).containsExactly("10.77.0.2", "10.77.0.3", "10.77.0.4");
        assertThat(network.builds()).as("views read whole").isEqualTo(built);

        // a change of more than endpoints (a host's address) is read whole, and the moved view was what a read makes
        long before = network.builds();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo("host-a", "192.0.2.21", 4096, 8192, Map.of()), Instant.now()));
        assertThat(planOf("host-b").endpoints()).extracting(TaskEndpoint::ipv4Address).containsExactly("10.77.0.2", "10.77.0.3", "10.77.0.4");
        assertThat(network.builds()).isEqualTo(before + 1);
    }

    private NetworkPlan planOf(String hostId)
    {
        return store.inTransaction(transaction -> network.planFor(transaction, hostId)).orElseThrow();
    }

    private void giveAddress(Task placed, String address)
    {
        store.useTransaction(transaction -> {
            Task task = transaction.tasks().find(placed.taskId()).orElseThrow();
            transaction.tasks().updateIfChanged(task, withAddress(task, address));
        });
    }

    private static Task withAddress(Task task, String address)
    {
        return task.withState(task.state().toBuilder().network(new NetworkReport(address, "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:01")).build());
    }

    private static void await(CountDownLatch latch)
    {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
