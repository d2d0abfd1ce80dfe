package io.berth.controlplane.store;

import io.berth.controlplane.idempotency.IdempotentRequest;
import io.berth.controlplane.metering.MeteredTask;
import io.berth.controlplane.resources.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The metering records on every store; run against SQLite and PostgreSQL by the subclasses. */
abstract class TaskUsageRowsContractTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00.123Z");

    private Store store;
    private String accountId;

    protected abstract String jdbcUrl();

    @BeforeEach
    void openStore()
    {
        store = Store.open(jdbcUrl());
        accountId = String.valueOf(100_000_000_000L + (UUID.randomUUID().getMostSignificantBits() & 0xffffffffL));
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Test
    void upsertsNeverLowerUsageNorMoveTheStop()
    {
        String taskId = newTaskId();
        upsert(record(taskId, null, 10, 100, 30, 120, T0.plusSeconds(30)));
        // a later report raises everything
        upsert(record(taskId, null, 25, 110, 60, 150, T0.plusSeconds(60)));
        // a late, older report (from before an agent restart) changes nothing
        upsert(record(taskId, null, 12, 90, 35, 130, T0.plusSeconds(35)));
        // the stop, reported without usage (the control plane closing the record itself)
        upsert(record(taskId, T0.plusSeconds(70), 0, 0, 0, 0, null));
        // a repeated stop with another time does not move it
        upsert(record(taskId, T0.plusSeconds(99), 26, 111, 70, 150, T0.plusSeconds(70)));

        MeteredTask stored = store.inTransaction(transaction -> transaction.taskUsage().find(taskId)).orElseThrow();
        assertThat(stored.stoppedAt()).isEqualTo(T0.plusSeconds(70));
        assertThat(stored.cpuSeconds()).isEqualTo(26);
        assertThat(stored.avgMemoryMiB()).isEqualTo(111);
        assertThat(stored.memorySampledSeconds()).isEqualTo(70);
        assertThat(stored.peakMemoryMiB()).isEqualTo(150);
        assertThat(stored.sampledAt()).isEqualTo(T0.plusSeconds(70));
        assertThat(stored.pullStartedAt()).isEqualTo(T0);
        assertThat(stored.taskArn()).isEqualTo("arn:aws:ecs:us-east-1:" + accountId + ":task/default/" + taskId);
        assertThat(stored.serviceName()).isEqualTo("web");
    }

    @Test
    void findsTheTasksOfAPeriodAndTheOpenOnes()
    {
        String before = newTaskId();
        String inside = newTaskId();
        String running = newTaskId();
        String after = newTaskId();
        String otherAccount = newTaskId();
        upsert(record(before, T0.minusSeconds(500), 0, 0, 0, 0, null));
        upsert(record(inside, T0.plusSeconds(10), 0, 0, 0, 0, null));
        upsert(record(running, null, 0, 0, 0, 0, null));
        upsert(atPull(record(after, null, 0, 0, 0, 0, null), T0.plusSeconds(1000)));
        upsert(withAccount(record(otherAccount, null, 0, 0, 0, 0, null), "999999999999"));

        assertThat(billable(accountId))
                .extracting(MeteredTask::taskId)
                .containsExactlyInAnyOrder(inside, running);
        assertThat(billable(null))
                .extracting(MeteredTask::taskId)
                .contains(inside, running, otherAccount)
                .doesNotContain(before, after);
        assertThat(running())
                .extracting(MeteredTask::taskId)
                .contains(running, after, otherAccount)
                .doesNotContain(before, inside);
    }

    private java.util.List<MeteredTask> billable(String account)
    {
        return store.inTransaction(transaction -> transaction.taskUsage().billable(account, T0.minusSeconds(100), T0.plusSeconds(1000)));
    }

    private java.util.List<MeteredTask> running()
    {
        return store.inTransaction(transaction -> transaction.taskUsage().running());
    }

    private void upsert(MeteredTask task)
    {
        store.useTransaction(transaction -> transaction.taskUsage().upsert(task));
    }

    @Test
    void tagsComeWithTheRecordAndChangeWithTagResourceButNotWithATaglessRecord()
    {
        String taskId = newTaskId();
        MeteredTask first = record(taskId, null, 1, 1, 1, 1, T0.plusSeconds(1));
        upsert(new MeteredTask(first.taskId(), first.accountId(), first.clusterName(), first.taskArn(), first.family(), first.group(), first.cpu(),
                first.memory(), first.pullStartedAt(), first.stoppedAt(), first.cpuSeconds(), first.avgMemoryMiB(), first.memorySampledSeconds(),
                first.peakMemoryMiB(), first.sampledAt(), Map.of("team", "red")));
        assertThat(store.inTransaction(transaction -> transaction.taskUsage().find(taskId)).orElseThrow().tags()).containsExactly(Map.entry("team", "red"));

        store.useTransaction(transaction -> transaction.taskUsage().setTags(taskId, List.of(new Tag("team", "blue"), new Tag("env", "prod"))));
        // the control plane closing a vanished task's record knows no tags: the stored ones stay
        upsert(record(taskId, T0.plusSeconds(5), 0, 0, 0, 0, null));

        assertThat(store.inTransaction(transaction -> transaction.taskUsage().find(taskId)).orElseThrow().tags())
                .containsOnly(Map.entry("team", "blue"), Map.entry("env", "prod"));
    }

    @Test
    void aSpotTaskStaysSpotWhenItsRecordIsClosedWithoutAProvider()
    {
        String taskId = newTaskId();
        MeteredTask first = record(taskId, null, 1, 1, 1, 1, T0.plusSeconds(1));
        upsert(new MeteredTask(first.taskId(), first.accountId(), first.clusterName(), first.taskArn(), first.family(), first.group(), first.cpu(),
                first.memory(), first.pullStartedAt(), first.stoppedAt(), first.cpuSeconds(), first.avgMemoryMiB(), first.memorySampledSeconds(),
                first.peakMemoryMiB(), first.sampledAt(), Map.of(), "FARGATE_SPOT"));
        upsert(record(taskId, T0.plusSeconds(5), 0, 0, 0, 0, null));

        MeteredTask stored = store.inTransaction(transaction -> transaction.taskUsage().find(taskId)).orElseThrow();
        assertThat(stored.spot()).isTrue();
    }

    @Test
    void clientTokensAreFoundWithinTheirWindowAndPurgedAfter()
    {
        IdempotentRequest request = new IdempotentRequest("digest", List.of("arn:a", "arn:b"), T0);
        store.useTransaction(transaction -> transaction.clientTokens().record(accountId, "RunTask:default", "token", request));

        assertThat(token("RunTask:default", T0.minusSeconds(1))).contains(request);
        assertThat(token("RunTask:other", T0.minusSeconds(1))).isEmpty();
        assertThat(token("RunTask:default", T0.plusSeconds(1))).isEmpty();
        // a token past its window is used again: the new request replaces it
        IdempotentRequest later = new IdempotentRequest("other", List.of("arn:c"), T0.plusSeconds(100));
        store.useTransaction(transaction -> transaction.clientTokens().record(accountId, "RunTask:default", "token", later));
        assertThat(token("RunTask:default", T0.plusSeconds(1))).contains(later);

        int purged = store.inTransaction(transaction -> transaction.clientTokens().deleteBefore(T0.plusSeconds(101)));
        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(token("RunTask:default", T0)).isEmpty();
    }

    private Optional<IdempotentRequest> token(String scope, Instant since)
    {
        return store.inTransaction(transaction -> transaction.clientTokens().find(accountId, scope, "token", since));
    }

    private MeteredTask record(String taskId, Instant stoppedAt, double cpuSeconds, double avgMemory, double sampledSeconds, double peak, Instant sampledAt)
    {
        return new MeteredTask(taskId, accountId, "default", "arn:aws:ecs:us-east-1:" + accountId + ":task/default/" + taskId, "web", "service:web",
                256, 512, T0, stoppedAt, cpuSeconds, avgMemory, sampledSeconds, peak, sampledAt);
    }

    private static MeteredTask atPull(MeteredTask task, Instant pullStartedAt)
    {
        return new MeteredTask(task.taskId(), task.accountId(), task.clusterName(), task.taskArn(), task.family(), task.group(), task.cpu(), task.memory(),
                pullStartedAt, task.stoppedAt(), task.cpuSeconds(), task.avgMemoryMiB(), task.memorySampledSeconds(), task.peakMemoryMiB(), task.sampledAt());
    }

    private static MeteredTask withAccount(MeteredTask task, String accountId)
    {
        return new MeteredTask(task.taskId(), accountId, task.clusterName(), task.taskArn(), task.family(), task.group(), task.cpu(), task.memory(),
                task.pullStartedAt(), task.stoppedAt(), task.cpuSeconds(), task.avgMemoryMiB(), task.memorySampledSeconds(), task.peakMemoryMiB(), task.sampledAt());
    }

    private static String newTaskId()
    {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
