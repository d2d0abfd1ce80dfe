package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AdminEndpointsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private AccessKey operator;
    private AdminClient admin;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        operator = controlPlane.accounts().bootstrapOperator();
        admin = new AdminClient(controlPlane);
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void operatorCreatesAccounts()
    {
        JsonNode created = admin.call(operator, "POST", "/berth/accounts", Map.of(), Map.of(), "{\"name\": \"team-a\"}");
        assertThat(created.get("accountId").asText()).matches("[0-9]{12}");
        assertThat(created.get("name").asText()).isEqualTo("team-a");
        assertThat(created.get("accessKeyId").asText()).startsWith("AKIA");
        assertThat(created.get("secretAccessKey").asText()).hasSize(40);
        AccessKey tenant = controlPlane.accessKeys().findAccessKey(created.get("accessKeyId").asText()).orElseThrow();
        assertThat(tenant.secretAccessKey()).isEqualTo(created.get("secretAccessKey").asText());

        assertThat(admin.fails(operator, "POST", "/berth/accounts", Map.of(), Map.of(), "{\"name\": \"team-a\"}").type()).isEqualTo("ClientException");
        assertThat(admin.fails(tenant, "POST", "/berth/accounts", Map.of(), Map.of(), "{\"name\": \"team-b\"}").type()).isEqualTo("AccessDeniedException");
    }

    /** The id of a task of the owner's, placed on host-1 (which has just synced). */
    private String taskOnHostOne(AccessKey owner)
    {
        EcsClient ecs = new EcsClient(controlPlane, owner);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of()), List.of()));
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}").get("tasks").get(0).get("taskArn").asText();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    @Test
    void taskLogsAreReadFromTheTasksHostByItsOwnerOnly()
    {
        AccessKey owner = controlPlane.accounts().createAccount("owner");
        AccessKey stranger = controlPlane.accounts().createAccount("stranger");
        String taskId = taskOnHostOne(owner);

        List<String> reads = new ArrayList<>();
        TaskLogSource source = (id, token, maxLines) -> {
            reads.add(id + " " + token + " " + maxLines);
            if (!id.equals(taskId)) {
                return Optional.empty();
            }
            return Optional.of(new LogChunk(List.of(new LogLine(Instant.parse("2025-01-01T00:00:01.500Z"), "main", "stdout", "hello")), "t-1", false));
        };
        controlPlane.registerLogSource("host-1", source);

        Map<String, String> query = new HashMap<>();
        query.put("nextToken", "t-0");
        query.put("limit", "50");
        JsonNode logs = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), query, "{}");
        assertThat(reads).containsExactly(taskId + " t-0 50");
        assertThat(logs.get("lines").get(0).get("time").asDouble()).isEqualTo(1735689601.5);
        assertThat(logs.get("lines").get(0).get("container").asText()).isEqualTo("main");
        assertThat(logs.get("lines").get(0).get("stream").asText()).isEqualTo("stdout");
        assertThat(logs.get("lines").get(0).get("text").asText()).isEqualTo("hello");
        assertThat(logs.get("nextToken").asText()).isEqualTo("t-1");
        assertThat(logs.get("complete").asBoolean()).isFalse();

        assertThat(admin.fails(stranger, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of(), "{}").type())
                .isEqualTo("InvalidParameterException");
        assertThat(admin.fails(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("limit", "0"), "{}").type())
                .isEqualTo("InvalidParameterException");
        assertThat(reads).hasSize(1);
    }

    @Test
    void aWaitingLogReadAnswersWithTheFirstLinesAndTheTaskStatus()
    {
        AccessKey owner = controlPlane.accounts().createAccount("owner");
        String taskId = taskOnHostOne(owner);
        List<String> reads = new ArrayList<>();
        // the first three reads find nothing yet, the fourth a line
        controlPlane.registerLogSource("host-1", (id, token, maxLines) -> {
            reads.add(token);
            return Optional.of(reads.size() < 4
                    ? new LogChunk(List.of(), token, false)
                    : new LogChunk(List.of(new LogLine(Instant.parse("2025-01-01T00:00:01Z"), "main", "stdout", "late")), "t-1", false));
        });

        JsonNode page = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "10"), "{}");

        assertThat(reads).hasSize(4);
        assertThat(page.get("lines").get(0).get("text").asText()).isEqualTo("late");
        assertThat(page.get("taskStatus").asText()).isEqualTo("PROVISIONING");

        reads.clear();
        JsonNode immediate = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of(), "{}");
        assertThat(reads).hasSize(1);
        assertThat(immediate.get("lines")).isEmpty();

        assertThat(admin.fails(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "21"), "{}").getMessage())
                .contains("waitSeconds");
        assertThat(admin.fails(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "soon"), "{}").type())
                .isEqualTo("InvalidParameterException");
    }

    /**
     * A host that can hold a read is asked to, up to {@link TaskLogsEndpoint#HOST_WAIT_AT_MOST}: one call where the
     * endpoint would read every 25 ms; once the log is whole, the host is not read again while the exits are to come.
     */
    @Test
    void aWaitingLogReadLetsTheHostHoldItAndReadsAWholeLogWithoutAWait()
    {
        AccessKey owner = controlPlane.accounts().createAccount("owner");
        String taskId = taskOnHostOne(owner);
        List<Long> waits = new ArrayList<>();
        controlPlane.registerLogSource("host-1", new TaskLogSource()
        {
            @Override
            public Optional<LogChunk> read(String id, String token, int maxLines)
            {
                throw new AssertionError("the endpoint reads with a wait");
            }

            @Override
            public synchronized Optional<LogChunk> read(String id, String token, int maxLines, Duration wait)
            {
                waits.add(wait.toMillis());
                // the first read, held, finds a line; the log is whole after it, but the exits are never reported
                return Optional.of(waits.size() == 1
                        ? new LogChunk(List.of(new LogLine(Instant.parse("2025-01-01T00:00:01Z"), "main", "stdout", "one")), "t-1", false)
                        : new LogChunk(List.of(), "t-1", true));
            }
        });

        JsonNode first = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "10"), "{}");
        assertThat(first.get("lines").get(0).get("text").asText()).isEqualTo("one");
        assertThat(waits).singleElement().satisfies(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(TaskLogsEndpoint.HOST_WAIT_AT_MOST.toMillis()));

        JsonNode rest = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "1", "nextToken", "t-1"), "{}");
        assertThat(rest.get("lines")).isEmpty();
        assertThat(rest.get("complete").asBoolean()).isTrue();
        // held once more (the endpoint could not know the log was whole); a whole log is not read again while the
        // exits are awaited, only the task is
        assertThat(waits).hasSize(2);
        assertThat(waits.get(1)).isPositive();
    }

    @Test
    void aWaitingLogReadOfAStoppedTaskAnswersAtOnce()
    {
        AccessKey owner = controlPlane.accounts().createAccount("owner");
        EcsClient ecs = new EcsClient(controlPlane, owner);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}").get("tasks").get(0).get("taskArn").asText();
        ecs.call("StopTask", "{\"task\": \"" + arn + "\"}");
        String taskId = arn.substring(arn.lastIndexOf('/') + 1);

        long start = System.nanoTime();
        JsonNode page = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "20"), "{}");

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(page.get("taskStatus").asText()).isEqualTo("STOPPED");
        assertThat(page.get("complete").asBoolean()).isTrue();
    }

    @Test
    void aWaitingLogReadAnswersOnceTheLogIsCompleteAndEveryContainerHasExitedBeforeTheTaskStops()
    {
        AccessKey owner = controlPlane.accounts().createAccount("owner");
        EcsClient ecs = new EcsClient(controlPlane, owner);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        HostInfo host = new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of());
        controlPlane.agentGateway().sync(new SyncRequest(host, List.of()));
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}").get("tasks").get(0).get("taskArn").asText();
        String taskId = arn.substring(arn.lastIndexOf('/') + 1);
        Instant now = Instant.parse("2025-01-01T00:00:01Z");
        controlPlane.agentGateway().sync(new SyncRequest(host, List.of(new TaskReport(taskId, TaskReport.Status.RUNNING, now, now, now, null, null, null,
                List.of(new ContainerReport("main", TaskReport.Status.RUNNING, "sha256:1111", null, null))))));
        List<String> reads = java.util.Collections.synchronizedList(new ArrayList<>());
        // the host says the log is whole from the first read on, but its report of the exit comes 300 ms later: until
        // then a complete log alone does not end the wait, and the report wakes it
        controlPlane.registerLogSource("host-1", (id, token, maxLines) -> {
            reads.add(token);
            if (reads.size() == 1) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(300);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                    controlPlane.agentGateway().sync(new SyncRequest(host, List.of(new TaskReport(taskId, TaskReport.Status.STOPPING, now, now, now, null,
                            "EssentialContainerExited", "Essential container in task exited",
                            List.of(new ContainerReport("main", TaskReport.Status.STOPPED, "sha256:1111", 3, null))))));
                });
            }
            return Optional.of(new LogChunk(List.of(), "t-1", true));
        });

        long start = System.nanoTime();
        JsonNode page = admin.call(owner, "GET", "/berth/tasks/{taskId}/logs", Map.of("taskId", taskId), Map.of("waitSeconds", "20"), "{}");

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
        // the whole log was read once; the wait after it read only the task
        assertThat(reads).hasSize(1);
        assertThat(page.get("complete").asBoolean()).isTrue();
        assertThat(page.get("taskStatus").asText()).isNotEqualTo("STOPPED");
        assertThat(page.get("containers")).hasSize(1);
        assertThat(page.get("containers").get(0).get("name").asText()).isEqualTo("main");
        assertThat(page.get("containers").get(0).get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(page.get("containers").get(0).get("exitCode").asInt()).isEqualTo(3);
    }
}
