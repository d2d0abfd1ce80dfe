package io.berth.controlplane.agents;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.ContainerDependency;
import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HeldState;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.actions.EcsClient;
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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AgentGatewayTest
{
    private static final HostInfo HOST = new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of());
    private static final String DEFINITION = """
            {"family": "job", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [
              {"name": "main", "image": "127.0.0.1:5000/busybox:1", "entryPoint": ["sh", "-c"], "command": ["echo hi"], "memory": 256,
               "environment": [{"name": "A", "value": "1"}]},
              {"name": "side", "image": "127.0.0.1:5000/busybox:1", "essential": false}]}
            """;

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AgentGateway gateway;
    private EcsClient ecs;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        gateway = controlPlane.agentGateway();
        ecs = new EcsClient(controlPlane, controlPlane.accounts().createAccount("tenant"));
        ecs.call("RegisterTaskDefinition", DEFINITION);
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void taskRunsThroughItsLifecycle()
    {
        assertThat(sync().tasks()).isEmpty();
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\", \"overrides\": {\"containerOverrides\": [{\"name\": \"main\", \"environment\": [{\"name\": \"B\", \"value\": \"2\"}]}]}}");

        TaskAssignment assignment = sync().tasks().getFirst();
        assertThat(assignment.taskId()).isEqualTo(taskId);
        assertThat(assignment.desiredStatus()).isEqualTo(TaskAssignment.DesiredStatus.RUNNING);
        assertThat(assignment.cpu()).isEqualTo(256);
        assertThat(assignment.memoryMiB()).isEqualTo(512);
        assertThat(assignment.ephemeralStorageGiB()).isEqualTo(20);
        assertThat(assignment.containers()).containsExactly(
                new ContainerSpec("main", "127.0.0.1:5000/busybox:1", List.of("sh", "-c"), List.of("echo hi"), Map.of("A", "1", "B", "2"), null, null, true, null, 256, null),
                new ContainerSpec("side", "127.0.0.1:5000/busybox:1", null, null, Map.of(), null, null, false, null, null, null));
        // what the task metadata endpoint shows the task of itself
        assertThat(assignment.clusterArn()).endsWith(":cluster/default");
        assertThat(assignment.taskDefinitionArn()).matches("arn:aws:ecs:[^:]+:\\d+:task-definition/job:1");
        assertThat(assignment.availabilityZone()).isNotEmpty();
        assertThat(assignment.containerArns()).containsOnlyKeys("main", "side");
        assertThat(assignment.containerArns().get("main")).contains(":container/default/" + taskId + "/");

        Instant pullStart = clock.instant();
        clock.advance(Duration.ofSeconds(2));
        Instant pullStop = clock.instant();
        sync(new TaskReport(taskId, TaskReport.Status.PENDING, pullStart, pullStop, null, null, null, null, List.of()));
        JsonNode pending = describe(taskId);
        assertThat(pending.get("lastStatus").asText()).isEqualTo("PENDING");
        assertThat(pending.get("pullStartedAt").asDouble()).isEqualTo(pullStart.toEpochMilli() / 1000.0);
        assertThat(pending.get("pullStoppedAt").asDouble()).isEqualTo(pullStop.toEpochMilli() / 1000.0);

        clock.advance(Duration.ofSeconds(1));
        Instant started = clock.instant();
        sync(new TaskReport(taskId, TaskReport.Status.RUNNING, pullStart, pullStop, started, null, null, null, List.of(
                new ContainerReport("main", TaskReport.Status.RUNNING, "sha256:1111", null, null),
                new ContainerReport("side", TaskReport.Status.RUNNING, "sha256:1111", null, null))));
        JsonNode running = describe(taskId);
        assertThat(running.get("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(running.get("startedAt").asDouble()).isEqualTo(started.toEpochMilli() / 1000.0);
        assertThat(running.get("containers").get(0).get("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(running.get("containers").get(0).get("imageDigest").asText()).isEqualTo("sha256:1111");
        JsonNode cluster = ecs.call("DescribeClusters", "{}").get("clusters").get(0);
        assertThat(cluster.get("runningTasksCount").asInt()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(5));
        Instant exited = clock.instant();
        SyncResponse afterStop = sync(new TaskReport(taskId, TaskReport.Status.STOPPED, pullStart, pullStop, started, exited,
                "EssentialContainerExited", "Essential container in task exited", List.of(
                new ContainerReport("main", TaskReport.Status.STOPPED, "sha256:1111", 0, null),
                new ContainerReport("side", TaskReport.Status.STOPPED, "sha256:1111", 137, "killed with the task"))));
        assertThat(afterStop.tasks()).isEmpty(); // recorded: the agent may forget the task
        JsonNode stopped = describe(taskId);
        assertThat(stopped.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("desiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("stopCode").asText()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.get("executionStoppedAt").asDouble()).isEqualTo(exited.toEpochMilli() / 1000.0);
        assertThat(stopped.get("stoppedAt").isNumber()).isTrue();
        assertThat(stopped.get("containers").get(0).get("exitCode").asInt()).isZero();
        assertThat(stopped.get("containers").get(1).get("exitCode").asInt()).isEqualTo(137);
        assertThat(stopped.get("containers").get(1).get("reason").asText()).isEqualTo("killed with the task");
    }

    @Test
    void reportedNetworkIsDescribedAsAnAttachmentUntilTheTaskStops()
    {
        sync();
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        NetworkReport network = new NetworkReport("10.213.0.5", "10.213.0.0/16", "10.213.0.1", "0a:58:0a:d5:00:05");
        sync(new TaskReport(taskId, TaskReport.Status.RUNNING, null, null, clock.instant(), null, null, null, List.of(), null, network));

        JsonNode running = describe(taskId);
        JsonNode attachment = running.get("attachments").get(0);
        assertThat(attachment.get("type").asText()).isEqualTo("ElasticNetworkInterface");
        assertThat(attachment.get("status").asText()).isEqualTo("ATTACHED");
        Map<String, String> details = new java.util.HashMap<>();
        attachment.get("details").forEach(detail -> details.put(detail.get("name").asText(), detail.get("value").asText()));
        assertThat(details).containsEntry("privateIPv4Address", "10.213.0.5")
                .containsEntry("macAddress", "0a:58:0a:d5:00:05")
                .containsEntry("privateDnsName", "ip-10-213-0-5.ec2.internal");
        assertThat(details.get("networkInterfaceId")).matches("eni-[0-9a-f]{17}");
        assertThat(details.get("subnetId")).matches("subnet-[0-9a-f]{17}");
        JsonNode containerInterface = running.get("containers").get(0).get("networkInterfaces").get(0);
        assertThat(containerInterface.get("attachmentId").asText()).isEqualTo(attachment.get("id").asText());
        assertThat(containerInterface.get("privateIpv4Address").asText()).isEqualTo("10.213.0.5");

        // later reports without the network (an agent restarted mid-task) keep it
        sync(new TaskReport(taskId, TaskReport.Status.STOPPED, null, null, null, clock.instant(), "EssentialContainerExited", "Essential container in task exited", List.of()));
        JsonNode stopped = describe(taskId);
        assertThat(stopped.get("attachments").get(0).get("status").asText()).isEqualTo("DELETED");
        assertThat(stopped.get("attachments").get(0).get("id").asText()).isEqualTo(attachment.get("id").asText());
    }

    @Test
    void dependsOnReachesTheAgent()
    {
        ecs.call("RegisterTaskDefinition", """
                {"family": "ordered", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [
                  {"name": "init", "image": "busybox", "essential": false},
                  {"name": "app", "image": "busybox", "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]}]}
                """);
        sync();
        runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"ordered\"}");

        ContainerSpec app = sync().tasks().getFirst().containers().get(1);
        assertThat(app.dependsOn()).containsExactly(new ContainerDependency("init", ContainerDependency.Condition.SUCCESS));
    }

    @Test
    void userStopKeepsTheUsersCodeAndReason()
    {
        sync();
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        sync(new TaskReport(taskId, TaskReport.Status.RUNNING, null, null, clock.instant(), null, null, null, List.of()));

        JsonNode stopping = ecs.call("StopTask", "{\"task\": \"" + taskId + "\", \"reason\": \"scaling down\"}").get("task");
        assertThat(stopping.get("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(stopping.get("desiredStatus").asText()).isEqualTo("STOPPED");
        TaskAssignment assignment = sync(new TaskReport(taskId, TaskReport.Status.RUNNING, null, null, clock.instant(), null, null, null, List.of()))
                .tasks().getFirst();
        assertThat(assignment.desiredStatus()).isEqualTo(TaskAssignment.DesiredStatus.STOPPED);

        sync(new TaskReport(taskId, TaskReport.Status.STOPPED, null, null, null, clock.instant(), "EssentialContainerExited", "Essential container in task exited",
                List.of(new ContainerReport("main", TaskReport.Status.STOPPED, null, 143, null))));
        JsonNode stopped = describe(taskId);
        assertThat(stopped.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("stopCode").asText()).isEqualTo("UserInitiated");
        assertThat(stopped.get("stoppedReason").asText()).isEqualTo("scaling down");
    }

    @Test
    void taskWaitsForAHostAndIsPlacedWhenOneSyncs()
    {
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("PROVISIONING");
        assertThat(sync().tasks()).extracting(TaskAssignment::taskId).containsExactly(taskId);
    }

    @Test
    void silentHostsGetNoTasks()
    {
        sync();
        clock.advance(ControlPlaneConfig.DEFAULT_HOST_TIMEOUT.plusSeconds(1));
        HostInfo other = new HostInfo("host-2", "127.0.0.2", 2048, 4096, Map.of());
        gateway.sync(new SyncRequest(other, List.of()));
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        // host-1 comes first by id but has been silent too long: the task goes to host-2
        assertThat(sync().tasks()).isEmpty();
        assertThat(gateway.sync(new SyncRequest(other, List.of())).tasks()).extracting(TaskAssignment::taskId).containsExactly(taskId);
    }

    @Test
    void reportsOfUnknownTasksAreLeftOut()
    {
        SyncResponse response = sync(new TaskReport("0123456789abcdef0123456789abcdef", TaskReport.Status.RUNNING, null, null, null, null, null, null, List.of()));
        assertThat(response.tasks()).isEmpty();
    }

    @Test
    void aTaskStoppedBeforeTheHostTookItStopsWithoutTheHost()
    {
        sync();
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        ecs.call("StopTask", "{\"task\": \"" + taskId + "\"}");
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("PROVISIONING");
        assertThat(sync().tasks()).isEmpty();
        JsonNode stopped = describe(taskId);
        assertThat(stopped.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("stopCode").asText()).isEqualTo("UserInitiated");
    }

    @Test
    void awaitChangeWakesUpWhenATaskIsRunOrStopped()
    {
        sync();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> awaitChange(Duration.ofMinutes(10)));
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        await().atMost(Duration.ofMinutes(1)).until(waiting::isDone);

        sync();
        CompletableFuture<Void> waitingForStop = CompletableFuture.runAsync(() -> awaitChange(Duration.ofMinutes(10)));
        ecs.call("StopTask", "{\"task\": \"" + taskId + "\"}");
        await().atMost(Duration.ofMinutes(1)).until(waitingForStop::isDone);
    }

    @Test
    void awaitChangeReturnsAtOnceForAChangeMadeBeforeTheWait()
    {
        sync();
        runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> awaitChange(Duration.ofMinutes(10)));
        await().atMost(Duration.ofMinutes(1)).until(waiting::isDone);
    }

    @Test
    void aDeltaRequestToAReplicaThatHasNotHadTheHostsEveryReportAsksForThem()
    {
        // a fresh replica (or one restarted, or on a store that lost state): it cannot tell what was acknowledged before
        assertThat(deltaSync(List.of()).fullReportsWanted()).isTrue();
        assertThat(sync().fullReportsWanted()).isFalse();
        assertThat(deltaSync(List.of()).fullReportsWanted()).isFalse();

        // a restarted control plane (as another replica on the same store) has not had them: it asks too, once
        controlPlane.close();
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        gateway = controlPlane.agentGateway();
        assertThat(deltaSync(List.of()).fullReportsWanted()).isTrue();
        assertThat(sync().fullReportsWanted()).isFalse();
        assertThat(deltaSync(List.of()).fullReportsWanted()).isFalse();
    }

    @Test
    void aTaskHeldWithoutAReportInADeltaRequestKeepsItsRecordedState()
    {
        sync();
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        assertThat(sync().tasks()).extracting(TaskAssignment::taskId).containsExactly(taskId);
        Instant now = clock.instant();
        TaskReport running = new TaskReport(taskId, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(
                new ContainerReport("main", TaskReport.Status.RUNNING, "sha256:1111", null, null),
                new ContainerReport("side", TaskReport.Status.RUNNING, "sha256:1111", null, null)));
        assertThat(deltaSync(List.of(taskId), running).tasks()).extracting(TaskAssignment::taskId).containsExactly(taskId);
        clock.advance(Duration.ofSeconds(30));

        // unchanged, so not reported: still RUNNING, still assigned
        SyncResponse unchanged = deltaSync(List.of(taskId));
        assertThat(unchanged.tasks()).extracting(TaskAssignment::taskId).containsExactly(taskId);
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("RUNNING");

        // a task stopped by the user while held without a report is not taken for one the host never took
        ecs.call("StopTask", "{\"task\": \"" + taskId + "\"}");
        SyncResponse stopping = deltaSync(List.of(taskId));
        assertThat(stopping.tasks()).extracting(TaskAssignment::desiredStatus).containsExactly(TaskAssignment.DesiredStatus.STOPPED);
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("RUNNING");
    }

    @Test
    void anUnreportedTaskTheHostNeverTookStillStopsInADeltaRequest()
    {
        sync();
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}");
        ecs.call("StopTask", "{\"task\": \"" + taskId + "\"}");
        assertThat(deltaSync(List.of()).tasks()).isEmpty();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("STOPPED");
    }

    private SyncResponse deltaSync(List<String> heldTaskIds, TaskReport... changed)
    {
        return gateway.sync(new SyncRequest(HOST, List.of(changed)).withHeld(new HeldState(heldTaskIds, null, null, null)));
    }

    private void awaitChange(Duration timeout)
    {
        try {
            gateway.awaitChange(HOST.hostId(), timeout);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    private String runTask(String request)
    {
        String arn = ecs.call("RunTask", request).get("tasks").get(0).get("taskArn").asText();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private JsonNode describe(String taskId)
    {
        return ecs.call("DescribeTasks", "{\"tasks\": [\"" + taskId + "\"]}").get("tasks").get(0);
    }

    private SyncResponse sync(TaskReport... reports)
    {
        return gateway.sync(new SyncRequest(HOST, List.of(reports)));
    }
}
