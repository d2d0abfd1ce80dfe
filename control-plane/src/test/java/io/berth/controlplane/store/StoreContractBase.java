package io.berth.controlplane.store;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The set-up of a store contract test: a store opened for each test on the database the subclass names (SQLite
 * or PostgreSQL), and accounts to test with. The tests of one class share a database, so each makes its own
 * accounts, with random ids.
 */
abstract class StoreContractBase
{
    protected static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    protected Store store;

    protected abstract String jdbcUrl();

    @BeforeEach
    void openStore()
    {
        store = Store.open(jdbcUrl());
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    /** A new account with a random twelve-digit id, created at {@link #T0}. */
    protected String newAccount()
    {
        String accountId = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        store.useTransaction(transaction -> transaction.accounts().insert(new Account(accountId, "account-" + accountId, false), T0));
        return accountId;
    }

    /** A new task of the account in cluster, PROVISIONING and not placed, with one container. */
    protected static Task task(String accountId, String cluster, String startedBy)
    {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        ContainerSpec spec = new ContainerSpec("app", "busybox", null, List.of("sleep", "1"), Map.of("A", "1"), null, null, true, null, 256, null);
        TaskState state = new TaskState(TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null,
                List.of(new TaskContainer("arn:container/" + taskId, spec, null, TaskStatus.PENDING, null, null, null)), 1, null);
        return new Task(accountId, taskId, "arn:aws:ecs:us-east-1:" + accountId + ":task/" + cluster + "/" + taskId, cluster,
                "arn:aws:ecs:us-east-1:" + accountId + ":cluster/" + cluster, "arn:td", "family", 256, 512, TaskOverrides.NONE, startedBy, "family:family",
                "FARGATE", "1.4.0", "us-east-1a", Map.of("awsvpcConfiguration", Map.of("subnets", List.of("subnet-1"))), T0, state, PlacementOptions.NONE,
                EphemeralStorage.DEFAULT, IsolationTier.CONTAINER, List.of(new Tag("env", "prod"), new Tag("aws:ecs:clusterName", cluster)));
    }
}
