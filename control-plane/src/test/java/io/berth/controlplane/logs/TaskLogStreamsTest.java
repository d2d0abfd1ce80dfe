package io.berth.controlplane.logs;

import io.berth.common.agentprotocol.AwsLogsDestination;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogLine;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The awslogs side of the control plane on a real (SQLite) store: a task's groups and streams, and its host's lines. */
class TaskLogStreamsTest
{
    private static final String ACCOUNT = "123456789012";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path directory;

    private Store store;
    private LogService logs;
    private TaskLogStreams streams;

    @BeforeEach
    void open()
    {
        store = Store.open("jdbc:sqlite:" + directory.resolve("berth.db"));
        ManualClock clock = new ManualClock(T0);
        logs = new LogService(store, clock);
        streams = new TaskLogStreams(store, logs, clock);
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void aMissingGroupStopsTheTaskWithEcsWordingUnlessCreateGroupIsSet()
    {
        Task task = task("t1", "host-a", new AwsLogsDestination("/ecs/absent", "web/main/t1", false));
        Optional<String> reason = store.inTransaction(transaction -> streams.prepare(transaction, task));
        assertThat(reason).get().asString().startsWith("ResourceInitializationError: failed to validate logger args:")
                .contains("The specified log group does not exist.").contains("/ecs/absent").contains("awslogs-create-group");
        assertThat(logs.describeGroups(ACCOUNT, "/ecs/absent", 0, 10).items()).isEmpty();

        Task creating = task("t2", "host-a", new AwsLogsDestination("/ecs/made", "web/main/t2", true));
        Optional<String> created = store.inTransaction(transaction -> streams.prepare(transaction, creating));
        assertThat(created).isEmpty();
        assertThat(logs.getEvents(ACCOUNT, "/ecs/made", "web/main/t2", null, null, null, true, 10).events()).isEmpty();
    }

    @Test
    void linesAreTakenOnlyFromTheTasksHostAndOnlyForItsAwslogsContainers()
    {
        logs.createGroup(ACCOUNT, "/ecs/web");
        Task task = task("t3", "host-a", new AwsLogsDestination("/ecs/web", "web/main/t3", false));
        store.useTransaction(transaction -> {
            transaction.tasks().insert(task);
            assertThat(streams.prepare(transaction, task)).isEmpty();
        });

        assertThatThrownBy(() -> streams.shipLogs(new LogBatch("host-b", "t3", List.of(line("main", "from elsewhere")))))
                .isInstanceOf(LogBatchRefusedException.class).hasMessageContaining("does not run on host host-b");
        assertThatThrownBy(() -> streams.shipLogs(new LogBatch("host-a", "t3", List.of(line("sidecar", "not awslogs")))))
                .isInstanceOf(LogBatchRefusedException.class).hasMessageContaining("sidecar");
        assertThatThrownBy(() -> streams.shipLogs(new LogBatch("host-a", "unknown", List.of(line("main", "x")))))
                .isInstanceOf(LogBatchRefusedException.class);

        streams.shipLogs(new LogBatch("host-a", "t3", List.of(line("main", "one"), line("main", ""), line("main", "two"))));
        assertThat(logs.getEvents(ACCOUNT, "/ecs/web", "web/main/t3", null, null, null, true, 10).events())
                .extracting(LogEvent::message).containsExactly("one", "two");

        // a group deleted while the task runs: its lines are dropped, as CloudWatch would refuse them
        logs.deleteGroup(ACCOUNT, "/ecs/web");
        streams.shipLogs(new LogBatch("host-a", "t3", List.of(line("main", "lost"))));
        assertThat(logs.describeGroups(ACCOUNT, "/ecs/web", 0, 10).items()).isEmpty();
    }

    private static LogLine line(String container, String text)
    {
        return new LogLine(T0, container, "stdout", text);
    }

    private static Task task(String taskId, String hostId, AwsLogsDestination destination)
    {
        ContainerSpec main = new ContainerSpec("main", "busybox", null, List.of("true"), Map.of(), null, null, true, null, null, null).withAwslogs(destination);
        ContainerSpec sidecar = new ContainerSpec("sidecar", "busybox", null, List.of("true"), Map.of(), null, null, false, null, null, null);
        TaskState state = new TaskState(TaskStatus.RUNNING, TaskStatus.RUNNING, hostId, null, null, null, null, null, null, null, null,
                List.of(new TaskContainer("arn:container/" + taskId + "/main", main, null, TaskStatus.RUNNING, null, null, null),
                        new TaskContainer("arn:container/" + taskId + "/sidecar", sidecar, null, TaskStatus.RUNNING, null, null, null)), 1, null);
        return new Task(ACCOUNT, taskId, "arn:aws:ecs:us-east-1:" + ACCOUNT + ":task/default/" + taskId, "default",
                "arn:aws:ecs:us-east-1:" + ACCOUNT + ":cluster/default", "arn:td", "family", 256, 512, TaskOverrides.NONE, null, "family:family",
                "FARGATE", "1.4.0", "us-east-1a", Map.of(), T0, state, PlacementOptions.NONE, EphemeralStorage.DEFAULT, IsolationTier.CONTAINER, List.of());
    }
}
