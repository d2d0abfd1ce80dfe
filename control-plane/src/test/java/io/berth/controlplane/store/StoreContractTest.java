package io.berth.controlplane.store;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.clusters.Cluster;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.registry.Repository;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.placement.PlacementAttempt;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.taskdefinitions.EnvironmentVariable;
import io.berth.controlplane.taskdefinitions.PortMapping;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every store must do; run against SQLite and PostgreSQL by the subclasses. */
abstract class StoreContractTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00.123Z");

    private Store store;
    private String accountId;

    protected abstract String jdbcUrl();

    @BeforeEach
    void openStore()
    {
        store = Store.open(jdbcUrl());
        accountId = newAccount();
    }

    /** A new account with a random twelve-digit id. */
    private String newAccount()
    {
        String created = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        store.useTransaction(transaction -> transaction.accounts().insert(new Account(created, "account-" + created, false), T0));
        return created;
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Test
    void theTaskCredentialKeyIsStoredOnceAndKeptByLaterWriters()
    {
        String first = store.inTransaction((StoreTransaction transaction) -> transaction.taskCredentialKeys().insertIfAbsent("current", "first-secret", T0));
        String second = store.inTransaction((StoreTransaction transaction) -> transaction.taskCredentialKeys().insertIfAbsent("current", "second-secret", T0));

        assertThat(first).isEqualTo("first-secret");
        assertThat(second).isEqualTo("first-secret");
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskCredentialKeys().find("other"))).isEmpty();
    }

    @Test
    void opensTwiceWithoutMigratingAgain()
    {
        try (Store again = Store.open(jdbcUrl())) {
            assertThat(again.inTransaction((StoreTransaction transaction) -> transaction.accounts().findById(accountId))).isPresent();
        }
    }

    @Test
    void accountsAndAccessKeys()
    {
        Account account = store.inTransaction((StoreTransaction transaction) -> transaction.accounts().findById(accountId)).orElseThrow();
        AccessKey key = new AccessKey("AKIA" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(), "secret", account);
        store.useTransaction(transaction -> transaction.accounts().insertAccessKey(key, T0));

        AccessKey found = store.inTransaction((StoreTransaction transaction) -> transaction.accounts().findAccessKey(key.accessKeyId())).orElseThrow();
        assertThat(found.secretAccessKey()).isEqualTo("secret");
        assertThat(found.account()).isEqualTo(account);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.accounts().findAccessKey("AKIAUNKNOWN"))).isEmpty();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.accounts().findByName("account-" + accountId))).contains(account);
    }

    @Test
    void aFailedTransactionLeavesNothingBehind()
    {
        assertThatThrownBy(() -> store.useTransaction(transaction -> {
            transaction.clusters().upsertActive(cluster("rolled-back"));
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().find(accountId, "rolled-back"))).isEmpty();
    }

    @Test
    void clustersAreUpsertedAndListedInPages()
    {
        store.useTransaction(transaction -> {
            transaction.clusters().upsertActive(cluster("b"));
            transaction.clusters().upsertActive(cluster("a"));
            transaction.clusters().upsertActive(cluster("a"));
            transaction.clusters().upsertActive(cluster("c"));
            transaction.clusters().setStatus(accountId, "c", Cluster.Status.INACTIVE);
        });
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().listActive(accountId, 0, 10)))
                .extracting(Cluster::name).containsExactly("a", "b");
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().listActive(accountId, 1, 10)))
                .extracting(Cluster::name).containsExactly("b");
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().find(accountId, "c")).orElseThrow().status())
                .isEqualTo(Cluster.Status.INACTIVE);

        store.useTransaction(transaction -> transaction.clusters().upsertActive(cluster("c")));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().find(accountId, "c")).orElseThrow().status())
                .isEqualTo(Cluster.Status.ACTIVE);
    }

    @Test
    void aClustersConfigurationRoundTripsAndARecreatedClusterTakesTheNewOne()
    {
        ClusterConfiguration configuration = new ClusterConfiguration(List.of(new Tag("team", "a")),
                List.of(new ClusterConfiguration.Setting("containerInsights", "enabled")));
        Cluster plain = cluster("configured");
        store.useTransaction(transaction -> transaction.clusters().upsertActive(
                new Cluster(accountId, plain.name(), plain.arn(), Cluster.Status.ACTIVE, plain.createdAt(), configuration)));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().find(accountId, "configured")).orElseThrow().configuration())
                .isEqualTo(configuration);

        store.useTransaction(transaction -> transaction.clusters().setConfiguration(accountId, "configured", configuration.withTags(List.of())));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.clusters().find(accountId, "configured")).orElseThrow().configuration().tags())
                .isEmpty();

        store.useTransaction(transaction -> {
            transaction.clusters().setStatus(accountId, "configured", Cluster.Status.INACTIVE);
            transaction.clusters().upsertActive(new Cluster(accountId, "configured", plain.arn().replace("us-east-1", "us-east-2"), Cluster.Status.ACTIVE,
                    plain.createdAt(), ClusterConfiguration.EMPTY));
        });
        Cluster recreated = store.inTransaction((StoreTransaction transaction) -> transaction.clusters().find(accountId, "configured")).orElseThrow();
        assertThat(recreated.configuration()).isEqualTo(ClusterConfiguration.EMPTY);
        assertThat(recreated.arn()).contains(":us-east-2:");
    }

    @Test
    void taskDefinitionsRoundTripAndFilter()
    {
        TaskDefinition web1 = definition("web_app", 1);
        store.useTransaction(transaction -> {
            transaction.taskDefinitions().insert(web1);
            transaction.taskDefinitions().insert(definition("web_app", 2));
            transaction.taskDefinitions().insert(definition("webXapp", 1));
            transaction.taskDefinitions().update(definition("web_app", 2).deregistered(T0));
        });
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().find(accountId, "web_app", 1))).contains(web1);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().latestRevision(accountId, "web_app"))).isEqualTo(2);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().latestRevision(accountId, "none"))).isEqualTo(0);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().findLatestActive(accountId, "web_app"))).contains(web1);
        // '_' is not a wildcard in a prefix
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().listArns(accountId, "web_", null, false, 0, 10)))
                .containsExactly(web1.arn(), definition("web_app", 2).arn());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().listArns(accountId, null, TaskDefinition.Status.ACTIVE, true, 0, 10)))
                .containsExactly(web1.arn(), definition("webXapp", 1).arn());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.taskDefinitions().listFamilies(accountId, "web", null, 0, 10)))
                .containsExactly("webXapp", "web_app");
    }

    @Test
    void concurrentRegistrationsGetDistinctRevisions()
            throws Exception
    {
        int writers = 6;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> revisions = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                revisions.add(executor.submit(() -> store.inTransaction((StoreTransaction transaction) -> {
                    int revision = transaction.taskDefinitions().latestRevision(accountId, "busy") + 1;
                    transaction.taskDefinitions().insert(definition("busy", revision));
                    return revision;
                })));
            }
            List<Integer> values = new ArrayList<>();
            for (Future<Integer> revision : revisions) {
                values.add(revision.get());
            }
            assertThat(values).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    void tasksRoundTripAndAreFoundByAccountClusterAndHost()
    {
        Task task = task("prod", "starter");
        store.useTransaction(transaction -> transaction.tasks().insert(task));

        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId()))).contains(task);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find("999999999999", task.taskId()))).isEmpty();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().listArns(accountId, "prod", null, "starter", TaskStatus.RUNNING, 0, 10)))
                .containsExactly(task.arn());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().listArns(accountId, "prod", "other", null, TaskStatus.RUNNING, 0, 10))).isEmpty();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().unplaced(task.accountId(), 1000))).extracting(Task::taskId).contains(task.taskId());

        String hostId = "host-" + UUID.randomUUID();
        store.useTransaction(transaction -> transaction.tasks().updateIfChanged(task, task.withState(task.state().toBuilder().hostId(hostId).build())));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().onHost(hostId))).extracting(Task::taskId).containsExactly(task.taskId());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId())).orElseThrow().tags())
                .isEqualTo(task.tags());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().countWithLastStatus(accountId, "prod", List.of(TaskStatus.PROVISIONING)))).isEqualTo(1);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().countNotStopped(accountId, "prod"))).isEqualTo(1);
    }

    @Test
    void aTaskReadAgainAtItsVersionIsTheOneParsedBeforeAndAnUpdateIsReadAnew()
    {
        Task task = task("prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));

        Task first = store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId())).orElseThrow();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId()))).containsSame(first);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(task.taskId()))).containsSame(first);
        // the row is another account's: its cached parse is not served
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find("999999999999", task.taskId()))).isEmpty();

        store.useTransaction(transaction -> transaction.tasks().updateIfChanged(task, task.withState(task.state().toBuilder().stoppedReason("changed").build())));
        Task updated = store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId())).orElseThrow();
        assertThat(updated).isNotSameAs(first);
        assertThat(updated.state().stoppedReason()).isEqualTo("changed");
        assertThat(updated.state().version()).isEqualTo(first.state().version() + 1);
    }

    @Test
    void aTaskACommitWroteIsReadAsWrittenWithoutParsingAndAWriteRolledBackIsNotRead()
    {
        Task task = task("prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        // what a read would parse from the row is what was written: the cache may serve the written task itself
        assertThat(JsonBodies.read(JsonBodies.write(task), Task.class)).isEqualTo(task);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId()))).containsSame(task);

        String hostId = "host-" + UUID.randomUUID();
        Task[] written = new Task[1];
        store.useTransaction(transaction -> written[0] = transaction.tasks().stored(task, task.withState(task.state().toBuilder().hostId(hostId).build())));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId()))).containsSame(written[0]);

        // a write rolled back never reaches the cache: its version is taken next by a write with other content
        assertThatThrownBy(() -> store.useTransaction(transaction -> {
            transaction.tasks().stored(written[0], written[0].withState(written[0].state().toBuilder().stoppedReason("rolled back").build()));
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        store.useTransaction(transaction -> transaction.tasks().stored(written[0], written[0].withState(written[0].state().toBuilder().stoppedReason("committed").build())));
        Task read = store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId())).orElseThrow();
        assertThat(read.state().stoppedReason()).isEqualTo("committed");
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().onHost(hostId)))
                .extracting(onHost -> onHost.state().stoppedReason()).containsExactly("committed");
    }

    @Test
    void theHostsHoldingAnAccountsLiveTasksAreEachHostOnceAndNoneOfAStoppedOrUnplacedTask()
    {
        String other = newAccount();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<Task> placed = new ArrayList<>();
        for (String hostId : List.of("host-b-" + suffix, "host-a-" + suffix, "host-b-" + suffix, "host-c-" + suffix)) {
            Task task = task("prod", null);
            placed.add(task.withState(task.state().toBuilder().hostId(hostId).build()));
        }
        Task stoppedThere = task("prod", null);
        Task otherAccounts = StoreContractBase.task(other, "prod", null);
        store.useTransaction(transaction -> {
            placed.forEach(transaction.tasks()::insert);
            transaction.tasks().insert(stopped(stoppedThere.withState(stoppedThere.state().toBuilder().hostId("host-d-" + suffix).build()), T0));
            transaction.tasks().insert(task("prod", null));
            transaction.tasks().insert(otherAccounts.withState(otherAccounts.state().toBuilder().hostId("host-e-" + suffix).build()));
        });

        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().hostsHoldingTasksOf(List.of(accountId))))
                .containsExactly("host-a-" + suffix, "host-b-" + suffix, "host-c-" + suffix);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().hostsHoldingTasksOf(List.of(accountId, other))))
                .containsExactly("host-a-" + suffix, "host-b-" + suffix, "host-c-" + suffix, "host-e-" + suffix);
        // the last task of a host stops: the host is no longer one of them
        Task onC = placed.get(3);
        store.useTransaction(transaction -> transaction.tasks().updateIfChanged(onC, stopped(onC, T0)));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().hostsHoldingTasksOf(List.of(accountId))))
                .containsExactly("host-a-" + suffix, "host-b-" + suffix);
        String withoutTasks = newAccount();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().hostsHoldingTasksOf(List.of(withoutTasks)))).isEmpty();
    }

    @Test
    void waitingTasksComeNeverTriedFirstThenLeastRecentlyTried()
    {
        List<Task> tasks = java.util.stream.Stream.of(task("prod", null), task("prod", null), task("prod", null))
                .sorted(java.util.Comparator.comparing(Task::taskId)).toList();
        Task stopped = stopped(task("prod", null), T0);
        store.useTransaction(transaction -> {
            tasks.forEach(transaction.tasks()::insert);
            transaction.tasks().insert(stopped);
            transaction.placementAttempts().record(new PlacementAttempt(tasks.get(0).taskId(), T0.plusSeconds(120), "RESOURCE:MEMORY", "full", Map.of()));
            transaction.placementAttempts().record(new PlacementAttempt(tasks.get(1).taskId(), T0.plusSeconds(60), "RESOURCE:MEMORY", "full", Map.of()));
        });

        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().unplaced(accountId, 10))).extracting(Task::taskId)
                .containsExactly(tasks.get(2).taskId(), tasks.get(1).taskId(), tasks.get(0).taskId());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().unplaced(accountId, 1))).extracting(Task::taskId)
                .containsExactly(tasks.get(2).taskId());
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().accountsWaiting(1000))).contains(accountId);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().notStoppedOf(accountId))).extracting(Task::taskId)
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::taskId).toList());
    }

    @Test
    void staleUpdatesAreRefused()
    {
        Task task = task("prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        Task first = task.withState(task.state().toBuilder().stoppedReason("first").build());
        Task second = task.withState(task.state().toBuilder().stoppedReason("second").build());
        store.useTransaction(transaction -> transaction.tasks().updateIfChanged(task, first));

        StoreTransactionRunner stale = () -> store.useTransaction(transaction -> transaction.tasks().updateIfChanged(task, second));
        assertThatThrownBy(stale::run).isInstanceOf(StoreException.class).hasMessageContaining("concurrent");
        Task stored = store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId())).orElseThrow();
        assertThat(stored.state().stoppedReason()).isEqualTo("first");
        assertThat(stored.state().version()).isEqualTo(2);
    }

    @Test
    void concurrentReadModifyWriteLosesNoUpdate()
            throws Exception
    {
        Task task = task("prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        int writers = 8;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String mark = "writer-" + i;
                futures.add(executor.submit(() -> store.useTransaction(transaction -> {
                    Task current = transaction.tasks().find(accountId, task.taskId()).orElseThrow();
                    String reasons = current.state().stoppedReason() == null ? mark : current.state().stoppedReason() + "," + mark;
                    transaction.tasks().updateIfChanged(current, current.withState(current.state().toBuilder().stoppedReason(reasons).build()));
                })));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        finally {
            executor.shutdownNow();
        }
        Task stored = store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, task.taskId())).orElseThrow();
        assertThat(stored.state().version()).isEqualTo(1 + writers);
        assertThat(stored.state().stoppedReason().split(",")).hasSize(writers).doesNotHaveDuplicates();
    }

    @Test
    void stoppedTasksArePurgedAfterTheCutoff()
    {
        Task old = task("prod", null);
        Task recent = task("prod", null);
        Task running = task("prod", null);
        store.useTransaction(transaction -> {
            transaction.tasks().insert(stopped(old, T0));
            transaction.tasks().insert(stopped(recent, T0.plusSeconds(3600)));
            transaction.tasks().insert(running);
        });
        int purged = store.inTransaction((StoreTransaction transaction) -> transaction.tasks().deleteStoppedBefore(T0.plusSeconds(60)));
        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, old.taskId()))).isEmpty();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, recent.taskId()))).isPresent();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.tasks().find(accountId, running.taskId()))).isPresent();
    }

    @Test
    void hostsRecordHeartbeats()
    {
        String hostId = "host-" + UUID.randomUUID();
        HostInfo info = new HostInfo(hostId, "127.0.0.1", 2048, 4096, Map.of("zone", "a"));
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(info, T0));
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(info, T0.plusSeconds(30)));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.hosts().find(hostId)).orElseThrow().lastHeartbeat()).isEqualTo(T0.plusSeconds(30));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.hosts().find(hostId)).orElseThrow().info()).isEqualTo(info);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.hosts().heardSince(T0.plusSeconds(10))))
                .extracting(host -> host.hostId()).contains(hostId);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.hosts().heardSince(T0.plusSeconds(31))))
                .extracting(host -> host.hostId()).doesNotContain(hostId);
    }

    @FunctionalInterface
    private interface StoreTransactionRunner
    {
        void run();
    }

    private Cluster cluster(String name)
    {
        return new Cluster(accountId, name, "arn:aws:ecs:us-east-1:" + accountId + ":cluster/" + name, Cluster.Status.ACTIVE, T0);
    }

    @Test
    void repositoriesAreKeptPerAccount()
    {
        String otherAccount = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        store.useTransaction(transaction -> transaction.accounts().insert(new Account(otherAccount, "account-" + otherAccount, false), T0));
        Repository mine = new Repository(accountId, "team/app", T0, false);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().insertIfAbsent(mine))).isTrue();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().insertIfAbsent(mine.withPublicRead(true)))).as("a second insert").isFalse();
        // the same name in another account is another repository
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().insertIfAbsent(new Repository(otherAccount, "team/app", T0, false)))).isTrue();
        store.useTransaction(transaction -> transaction.repositories().insertIfAbsent(new Repository(accountId, "a-first", T0, false)));

        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().find(accountId, "team/app"))).contains(mine);
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().list(accountId, 0, 10)))
                .extracting(Repository::name).containsExactly("a-first", "team/app");
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().list(accountId, 1, 10))).extracting(Repository::name).containsExactly("team/app");

        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().setPublicRead(accountId, "team/app", true))).isTrue();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().find(accountId, "team/app"))).contains(mine.withPublicRead(true));
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().find(otherAccount, "team/app")).orElseThrow().publicRead()).isFalse();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().setPublicRead(accountId, "missing", true))).isFalse();

        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().delete(accountId, "team/app"))).isTrue();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().find(accountId, "team/app"))).isEmpty();
        assertThat(store.inTransaction((StoreTransaction transaction) -> transaction.repositories().find(otherAccount, "team/app"))).isPresent();
    }

    private TaskDefinition definition(String family, int revision)
    {
        ContainerDefinition container = new ContainerDefinition("app", "busybox", 128, 256, null, true, List.of("sh"), List.of("-c", "echo hi"),
                List.of(new EnvironmentVariable("A", "1")), "/", "root", List.of(new PortMapping(80, 80, "tcp", null)),
                Map.of("logConfiguration", Map.of("logDriver", "awslogs")));
        return new TaskDefinition(accountId, "arn:aws:ecs:us-east-1:" + accountId + ":task-definition/" + family + ":" + revision, family, revision,
                TaskDefinition.Status.ACTIVE, List.of(container), 256, 512, "awsvpc", null, "arn:aws:iam::1:role/x", List.of("FARGATE"),
                Map.of("volumes", List.of()), T0, null);
    }

    private Task task(String cluster, String startedBy)
    {
        return StoreContractBase.task(accountId, cluster, startedBy);
    }

    private static Task stopped(Task task, Instant stoppedAt)
    {
        return task.withState(task.state().toBuilder().lastStatus(TaskStatus.STOPPED).desiredStatus(TaskStatus.STOPPED).stoppedAt(stoppedAt).build());
    }
}
