package io.berth.controlplane.placement;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.scheduler.PlacementEngine;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RunTask's placement rounds on PostgreSQL, where RunTasks really run at once: whoever asks after committing its tasks
 * returns with them placed, whether it ran the round itself or waited for another caller's, and every host a round gave
 * tasks to is woken.
 */
class PlacementRoundsTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    private static final int CALLERS = 24;
    private static final List<String> HOSTS = List.of("host-a", "host-b", "host-c", "host-d");

    private Store store;
    private final HostSignals signals = new HostSignals();

    @BeforeEach
    void openStore()
    {
        store = Store.open(postgres.jdbcUrl());
        Instant now = Instant.now();
        // 4 hosts of 2048 cpu units hold 32 tasks of 256
        HOSTS.forEach(hostId -> store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.1", 2048, 8192, Map.of()), now)));
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyCallerReturnsWithTheTasksItCommittedPlacedAndTheirHostsWoken()
            throws Exception
    {
        PlacementRounds rounds = new PlacementRounds(store, new TaskPlacer(new PlacementEngine(new Random(7)), Duration.ofMinutes(1), Duration.ofMinutes(5)),
                signals, Clock.systemUTC());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> placed = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(CALLERS)) {
            for (int i = 0; i < CALLERS; i++) {
                // spread over about one round's time apart, so that callers come while a round runs
                Duration arrival = Duration.ofMillis(4L * i);
                placed.add(callers.submit(() -> {
                    start.await();
                    Thread.sleep(arrival);
                    Task task = WaitingTasks.task();
                    store.useTransaction(transaction -> transaction.tasks().insert(task));
                    rounds.placeCommitted();
                    // read as the RunTask answer is: after the round
                    return store.inTransaction(transaction -> transaction.tasks().find(task.taskId())).orElseThrow().state().hostId();
                }));
            }
            start.countDown();
        }
        List<String> hosts = new ArrayList<>();
        for (Future<String> answer : placed) {
            hosts.add(answer.get());
        }
        assertThat(hosts).doesNotContainNull().allMatch(HOSTS::contains);
        for (String hostId : HOSTS.stream().filter(hosts::contains).toList()) {
            assertThat(signals.await(hostId, Duration.ZERO)).as("%s was woken", hostId).isTrue();
        }
    }
}
