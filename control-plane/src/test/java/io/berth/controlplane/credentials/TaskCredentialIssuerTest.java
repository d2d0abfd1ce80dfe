package io.berth.controlplane.credentials;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.agentprotocol.TaskRoleCredentials;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskCredentialIssuerTest
{
    private static final String ACCOUNT = "123456789012";
    private static final String TASK_ID = "0123456789abcdef0123456789abcdef";
    private static final Duration LIFETIME = Duration.ofHours(6);

    @TempDir
    Path directory;
    private Store store;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private TaskCredentialIssuer issuer;

    @BeforeEach
    void openStore()
    {
        store = Store.open("jdbc:sqlite:" + directory.resolve("berth.db"));
        issuer = new TaskCredentialIssuer(store, id -> Optional.of(new Account(id, "app", true)), clock, LIFETIME);
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Test
    void keysAreTheSameWithinAWindowAndNewOnesComeAfterHalfTheirLife()
    {
        Task task = stored(TaskStatus.RUNNING, "arn:aws:iam::123456789012:role/app");
        TaskRoleCredentials first = issuer.issue(task).orElseThrow();
        clock.advance(Duration.ofMinutes(10));
        TaskRoleCredentials again = issuer.issue(task).orElseThrow();
        clock.advance(Duration.ofHours(3));
        TaskRoleCredentials refreshed = issuer.issue(task).orElseThrow();

        assertThat(again).isEqualTo(first);
        assertThat(first.accessKeyId()).startsWith("ASIA").hasSize(20);
        assertThat(first.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/app");
        assertThat(first.expiration()).isAfter(clock.instant().minus(Duration.ofHours(3))).isBefore(clock.instant().plus(LIFETIME));
        assertThat(refreshed.accessKeyId()).isNotEqualTo(first.accessKeyId());
        assertThat(refreshed.credentialsId()).as("the URI stays the task's").isEqualTo(first.credentialsId());
        assertThat(refreshed.expiration()).isAfter(first.expiration());
        // the old keys stay good until they expire
        assertThat(issuer.verify(first.accessKeyId(), first.sessionToken()).secretAccessKey()).isEqualTo(first.secretAccessKey());
    }

    @Test
    void verifiedKeysAreOfTheTasksAccountWithoutOperatorPowers()
    {
        TaskRoleCredentials keys = issuer.issue(stored(TaskStatus.RUNNING, "arn:aws:iam::123456789012:role/app")).orElseThrow();

        AccessKey key = issuer.verify(keys.accessKeyId(), keys.sessionToken());

        assertThat(key.account().accountId()).isEqualTo(ACCOUNT);
        assertThat(key.account().operator()).isFalse();
        assertThat(key.secretAccessKey()).isEqualTo(keys.secretAccessKey());
    }

    @Test
    void expiredKeysAreRefusedAsExpired()
    {
        TaskRoleCredentials keys = issuer.issue(stored(TaskStatus.RUNNING, "arn:aws:iam::123456789012:role/app")).orElseThrow();
        clock.advance(LIFETIME);

        assertThatThrownBy(() -> issuer.verify(keys.accessKeyId(), keys.sessionToken()))
                .isInstanceOfSatisfying(TaskCredentialsRejectedException.class, e -> assertThat(e.reason()).isEqualTo(TaskCredentialsRejectedException.Reason.EXPIRED))
                .hasMessage("The security token included in the request is expired");
    }

    @Test
    void aStoppedTasksKeysAndForgedTokensAreInvalid()
    {
        TaskRoleCredentials keys = issuer.issue(stored(TaskStatus.RUNNING, "arn:aws:iam::123456789012:role/app")).orElseThrow();

        assertInvalid(keys.accessKeyId(), keys.sessionToken() + "x");
        assertInvalid("ASIAAAAAAAAAAAAAAAAA", keys.sessionToken());
        assertInvalid(keys.accessKeyId(), "not-a-token");
        String[] parts = keys.sessionToken().split("\\.");
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[0])).replace(ACCOUNT, "999999999999").getBytes()) + "." + parts[1];
        assertInvalid(keys.accessKeyId(), forged);

        stored(TaskStatus.STOPPED, "arn:aws:iam::123456789012:role/app");
        assertInvalid(keys.accessKeyId(), keys.sessionToken());
    }

    @Test
    void aTaskWithoutARoleOrStoppedGetsNoKeys()
    {
        assertThat(issuer.issue(stored(TaskStatus.RUNNING, null))).isEmpty();
        assertThat(issuer.issue(stored(TaskStatus.STOPPED, "arn:aws:iam::123456789012:role/app"))).isEmpty();
    }

    @Test
    void everyControlPlaneOnTheStoreMintsTheSameKeys()
    {
        Task task = stored(TaskStatus.RUNNING, "arn:aws:iam::123456789012:role/app");
        TaskCredentialIssuer replica = new TaskCredentialIssuer(store, id -> Optional.of(new Account(id, "app", false)), clock, LIFETIME);

        assertThat(replica.issue(task)).isEqualTo(issuer.issue(task));
    }

    private void assertInvalid(String accessKeyId, String token)
    {
        assertThatThrownBy(() -> issuer.verify(accessKeyId, token))
                .isInstanceOfSatisfying(TaskCredentialsRejectedException.class, e -> assertThat(e.reason()).isEqualTo(TaskCredentialsRejectedException.Reason.INVALID));
    }

    /** The task, stored (replacing an earlier version) in the given status. */
    private Task stored(TaskStatus status, String roleArn)
    {
        TaskState state = new TaskState(status, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null, List.of(), 1, null);
        Task task = new Task(ACCOUNT, TASK_ID, "arn:aws:ecs:us-east-1:" + ACCOUNT + ":task/default/" + TASK_ID, "default",
                "arn:aws:ecs:us-east-1:" + ACCOUNT + ":cluster/default", "arn:aws:ecs:us-east-1:" + ACCOUNT + ":task-definition/app:1", "app", 256, 512,
                TaskOverrides.NONE, null, "family:app", "FARGATE", "1.4.0", "us-east-1a", Map.of(), clock.instant(), state, PlacementOptions.NONE,
                EphemeralStorage.DEFAULT, IsolationTier.CONTAINER, List.of(), roleArn);
        store.useTransaction(transaction -> {
            Optional<Task> existing = transaction.tasks().find(TASK_ID);
            if (existing.isEmpty()) {
                transaction.tasks().insert(task);
            }
            else {
                transaction.tasks().updateIfChanged(existing.get(), task);
            }
        });
        return task;
    }
}
