package io.berth.controlplane.store;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.placement.PlacementAttempt;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** Host states, placement attempts and placement options in the store; run against SQLite and PostgreSQL by the subclasses. */
abstract class HostStoreContractTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Store store;
    private String hostId;

    protected abstract String jdbcUrl();

    @BeforeEach
    void openStore()
    {
        store = Store.open(jdbcUrl());
        hostId = "host-" + UUID.randomUUID();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "10.0.0.1", 4096, 8192, Map.of("ecs.availability-zone", "a")), T0));
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    private Host host()
    {
        return read(transaction -> transaction.hosts().find(hostId)).orElseThrow();
    }

    private <T> T read(Function<StoreTransaction, T> work)
    {
        return store.inTransaction(work);
    }

    @Test
    void revokedCredentialsAndJoinTokensStayAndSayWhenUntilACredentialIsIssuedAgain()
    {
        String tokenId = "jt" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        store.useTransaction(transaction -> {
            transaction.joinTokens().insert(new io.berth.controlplane.agents.access.JoinToken(tokenId, "a".repeat(64), T0, null));
            transaction.hostCredentials().put(hostId, "b".repeat(64), tokenId, T0);
        });

        assertThat(this.<Boolean>read(transaction -> transaction.joinTokens().revoke(tokenId, T0.plusSeconds(1)))).isTrue();
        assertThat(this.<Boolean>read(transaction -> transaction.joinTokens().revoke(tokenId, T0.plusSeconds(2)))).as("already revoked").isFalse();
        assertThat(read(transaction -> transaction.joinTokens().find(tokenId)).orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(1));

        assertThat(this.<Boolean>read(transaction -> transaction.hostCredentials().revoke(hostId, T0.plusSeconds(3)))).isTrue();
        assertThat(this.<Optional<String>>read(transaction -> transaction.hostCredentials().secretHash(hostId))).as("a revoked credential proves nothing").isEmpty();
        assertThat(this.<Optional<Instant>>read(transaction -> transaction.hostCredentials().revokedAt(hostId))).contains(T0.plusSeconds(3));

        store.useTransaction(transaction -> transaction.hostCredentials().put(hostId, "c".repeat(64), null, T0.plusSeconds(4)));
        assertThat(this.<Optional<String>>read(transaction -> transaction.hostCredentials().secretHash(hostId))).contains("c".repeat(64));
        assertThat(this.<Optional<Instant>>read(transaction -> transaction.hostCredentials().revokedAt(hostId))).isEmpty();
    }

    @Test
    void aNewHostIsActive()
    {
        Host host = host();
        assertThat(host.state()).isEqualTo(HostState.ACTIVE);
        assertThat(host.lostAt()).isNull();
        assertThat(host.drainDeadline()).isNull();
        assertThat(host.attributes()).containsExactly(entry("ecs.availability-zone", "a"));
    }

    @Test
    void operatorStatesAndDrainDeadlinesPersist()
    {
        store.useTransaction(transaction -> transaction.hosts().setOperatorState(hostId, HostState.DRAINING, T0.plusSeconds(300)));
        assertThat(host().state()).isEqualTo(HostState.DRAINING);
        assertThat(host().drainDeadline()).isEqualTo(T0.plusSeconds(300));
        assertThat(this.<List<Host>>read(transaction -> transaction.hosts().draining())).extracting(Host::hostId).contains(hostId);

        store.useTransaction(transaction -> transaction.hosts().setOperatorState(hostId, HostState.CORDONED, null));
        assertThat(host().state()).isEqualTo(HostState.CORDONED);
        assertThat(host().drainDeadline()).isNull();
        assertThat(this.<List<Host>>read(transaction -> transaction.hosts().draining())).extracting(Host::hostId).doesNotContain(hostId);

        assertThat(this.<Boolean>read(transaction -> transaction.hosts().setOperatorState("host-nobody", HostState.CORDONED, null))).isFalse();
    }

    @Test
    void aLostHostThatHeartbeatsAgainReturnsToTheOperatorsState()
    {
        store.useTransaction(transaction -> transaction.hosts().setOperatorState(hostId, HostState.CORDONED, null));
        assertThat(this.<List<Host>>read(transaction -> transaction.hosts().silentSince(T0.plusSeconds(61)))).extracting(Host::hostId).contains(hostId);
        assertThat(this.<List<Host>>read(transaction -> transaction.hosts().silentSince(T0))).extracting(Host::hostId).doesNotContain(hostId);

        assertThat(this.<Boolean>read(transaction -> transaction.hosts().markLostIfSilentSince(hostId, T0.plusSeconds(1), T0.plusSeconds(61)))).isTrue();
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().markLostIfSilentSince(hostId, T0.plusSeconds(1), T0.plusSeconds(62)))).as("already lost").isFalse();
        assertThat(host().state()).isEqualTo(HostState.LOST);
        assertThat(host().lostAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(this.<List<Host>>read(transaction -> transaction.hosts().silentSince(T0.plusSeconds(120)))).extracting(Host::hostId).doesNotContain(hostId);

        HostInfo info = host().info();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(info, T0.plusSeconds(200)));
        assertThat(host().state()).isEqualTo(HostState.CORDONED);
        assertThat(host().lostAt()).isNull();
    }

    @Test
    void aHeartbeatAfterTheHostWasListedAsSilentKeepsItFromBeingMarkedLost()
    {
        assertThat(this.<List<Host>>read(transaction -> transaction.hosts().silentSince(T0.plusSeconds(61)))).extracting(Host::hostId).contains(hostId);
        // the agent's sync commits between the listing and the marking (another connection on PostgreSQL)
        HostInfo info = host().info();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(info, T0.plusSeconds(60)));

        assertThat(this.<Boolean>read(transaction -> transaction.hosts().markLostIfSilentSince(hostId, T0.plusSeconds(1), T0.plusSeconds(61)))).isFalse();
        assertThat(host().state()).isNotEqualTo(HostState.LOST);
        assertThat(host().lostAt()).isNull();
    }

    @Test
    void operatorAttributesGoOnTopOfTheAgents()
    {
        store.useTransaction(transaction -> transaction.hosts().setOperatorAttributes(hostId, Map.of("disk", "ssd", "ecs.availability-zone", "b")));
        assertThat(host().attributes()).containsOnly(entry("disk", "ssd"), entry("ecs.availability-zone", "b"));
    }

    @Test
    void placementAttemptsKeepTheLatestFailure()
    {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        store.useTransaction(transaction -> transaction.placementAttempts().record(
                new PlacementAttempt(taskId, T0, "CORDONED", "CORDONED (...)", Map.of(hostId, "CORDONED"))));
        store.useTransaction(transaction -> transaction.placementAttempts().record(
                new PlacementAttempt(taskId, T0.plusSeconds(1), "RESOURCE:MEMORY", "RESOURCE:MEMORY (...)", Map.of(hostId, "RESOURCE:MEMORY"))));
        store.useTransaction(transaction -> transaction.hosts().lockForPlacement());

        PlacementAttempt attempt = read(transaction -> transaction.placementAttempts().find(taskId)).orElseThrow();
        assertThat(attempt).isEqualTo(new PlacementAttempt(taskId, T0.plusSeconds(1), "RESOURCE:MEMORY", "RESOURCE:MEMORY (...)", Map.of(hostId, "RESOURCE:MEMORY")));

        // the task was never stored: the attempt is an orphan
        store.useTransaction(transaction -> transaction.placementAttempts().deleteOrphans());
        assertThat(this.<Optional<PlacementAttempt>>read(transaction -> transaction.placementAttempts().find(taskId))).isEmpty();
    }

    @Test
    void tasksKeepTheirPlacementOptionsAndHoldCapacityUntilStopped()
    {
        String accountId = "123456789012";
        PlacementOptions options = new PlacementOptions(
                List.of(new PlacementOptions.Strategy("spread", "instanceId"), new PlacementOptions.Strategy("binpack", "memory")),
                List.of(new PlacementOptions.Constraint("memberOf", "attribute:disk == ssd")));
        Task placed = task(accountId, options, hostId, TaskStatus.RUNNING);
        Task stopped = task(accountId, PlacementOptions.NONE, hostId, TaskStatus.STOPPED);
        Task waiting = task(accountId, PlacementOptions.NONE, null, TaskStatus.PROVISIONING);
        store.useTransaction(transaction -> List.of(placed, stopped, waiting).forEach(transaction.tasks()::insert));

        assertThat(this.<Optional<Task>>read(transaction -> transaction.tasks().find(placed.taskId())).orElseThrow().placement()).isEqualTo(options);
        assertThat(this.<List<Task>>read(transaction -> transaction.tasks().placedNotStopped())).extracting(Task::taskId)
                .contains(placed.taskId())
                .doesNotContain(stopped.taskId(), waiting.taskId());
    }

    @Test
    void aTryForThePlacementLockThatAnotherHoldsFailsAtOnce()
            throws Exception
    {
        if (jdbcUrl().startsWith("jdbc:postgresql:")) {
            try (HeldPlacementLock ignored = HeldPlacementLock.hold(store)) {
                assertThat(this.<Boolean>read(transaction -> transaction.hosts().tryLockForPlacement())).isFalse();
            }
        }
        // free (on SQLite always: its one connection runs one transaction at a time)
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().tryLockForPlacement())).isTrue();
    }

    @Test
    void everyPlacedTaskIsReadWhetherItsBodyWasCachedOrNot()
    {
        // more tasks than one query fetches bodies for, some stopped
        String accountId = "210987654321";
        List<Task> running = new ArrayList<>();
        List<Task> stopped = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            (i % 10 == 0 ? stopped : running).add(task(accountId, PlacementOptions.NONE, hostId, i % 10 == 0 ? TaskStatus.STOPPED : TaskStatus.RUNNING));
        }
        store.useTransaction(transaction -> Stream.concat(running.stream(), stopped.stream()).forEach(transaction.tasks()::insert));
        List<String> expected = running.stream().map(Task::taskId).sorted().toList();

        // another replica: nothing cached, every body is fetched
        try (Store other = Store.open(jdbcUrl())) {
            assertThat(placedOf(other, accountId)).extracting(Task::taskId).containsExactlyElementsOf(expected);
            // again from its cache; then a task stopped through this store is seen there at its new version
            assertThat(placedOf(other, accountId)).extracting(Task::taskId).containsExactlyElementsOf(expected);
            Task first = running.getFirst();
            store.useTransaction(transaction -> transaction.tasks().stored(first, first.withState(first.state().toBuilder()
                    .lastStatus(TaskStatus.STOPPED).desiredStatus(TaskStatus.STOPPED).stoppedAt(T0).build())));
            Task second = running.get(1);
            Task moved = store.inTransaction(transaction -> transaction.tasks().stored(second, second.withState(second.state().toBuilder().startedAt(T0).build())));
            List<Task> after = placedOf(other, accountId);
            assertThat(after).extracting(Task::taskId).doesNotContain(first.taskId()).hasSize(expected.size() - 1);
            assertThat(after).filteredOn(task -> task.taskId().equals(second.taskId())).containsExactly(moved);
        }
    }

    private static List<Task> placedOf(Store store, String accountId)
    {
        return store.inTransaction(transaction -> transaction.tasks().placedNotStopped()).stream().filter(task -> task.accountId().equals(accountId)).toList();
    }

    private static Task task(String accountId, PlacementOptions options, String hostId, TaskStatus status)
    {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        ContainerSpec spec = new ContainerSpec("app", "busybox", null, List.of("sleep", "1"), Map.of(), null, null, true, null, 256, null);
        TaskState state = new TaskState(status, status == TaskStatus.STOPPED ? TaskStatus.STOPPED : TaskStatus.RUNNING, hostId, null, null, null, null, null,
                status == TaskStatus.STOPPED ? T0 : null, null, null, List.of(new TaskContainer("arn:container/" + taskId, spec, null, TaskStatus.PENDING, null, null, null)), 1, null);
        return new Task(accountId, taskId, "arn:aws:ecs:us-east-1:" + accountId + ":task/default/" + taskId, "default",
                "arn:aws:ecs:us-east-1:" + accountId + ":cluster/default", "arn:td", "family", 256, 512, TaskOverrides.NONE, null, "family:family",
                "FARGATE", "1.4.0", "us-east-1a", Map.of(), T0, state, options);
    }
}
