package io.berth.controlplane.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The scheduler, cordon, drain, lost hosts and placement timeouts through the control plane, its gateway and its admin endpoints. */
class HostLifecycleTest
{
    private static final Duration PLACEMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HOST_LOST_AFTER = Duration.ofSeconds(20);
    private static final HostInfo HOST_A = new HostInfo("host-a", "10.0.0.1", 2048, 4096, Map.of("ecs.availability-zone", "zone-a"));
    private static final HostInfo HOST_B = new HostInfo("host-b", "10.0.0.2", 2048, 4096, Map.of("ecs.availability-zone", "zone-b"));

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey tenant;
    private EcsClient ecs;

    @BeforeEach
    void start()
    {
        restartControlPlane();
        operator = controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("tenant");
        ecs = new EcsClient(controlPlane, tenant);
        ecs.call("RegisterTaskDefinition", """
                {"family": "small", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
        ecs.call("RegisterTaskDefinition", """
                {"family": "large", "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "8192", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
    }

    private void restartControlPlane()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db"))
                .withClock(clock)
                .withHostTimeout(HOST_LOST_AFTER)
                .withHostLostAfter(HOST_LOST_AFTER)
                .withPlacementTimeout(PLACEMENT_TIMEOUT));
        if (ecs != null) {
            ecs = new EcsClient(controlPlane, tenant);
        }
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void aTaskThatFitsNowhereWaitsThenStopsWithTheReason()
    {
        sync(HOST_A);
        sync(HOST_B);
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"large\"}");

        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("PROVISIONING");
        JsonNode placement = admin(operator, "GET", "/berth/tasks/{taskId}/placement", Map.of("taskId", taskId), "{}");
        assertThat(placement.get("lastStatus").asText()).isEqualTo("PROVISIONING");
        assertThat(placement.get("latestFailure").get("reason").asText()).isEqualTo("RESOURCE:MEMORY");
        assertThat(placement.get("latestFailure").get("message").asText())
                .isEqualTo("RESOURCE:MEMORY (no host has 8192 MiB free; largest free: 4096 MiB; 2 hosts: 2 RESOURCE:MEMORY)");
        assertThat(placement.get("latestFailure").get("hosts").toString())
                .isEqualTo("[{\"hostId\":\"host-a\",\"reason\":\"RESOURCE:MEMORY\"},{\"hostId\":\"host-b\",\"reason\":\"RESOURCE:MEMORY\"}]");

        clock.advance(PLACEMENT_TIMEOUT.minusSeconds(1));
        sync(HOST_A);
        sync(HOST_B);
        controlPlane.runMaintenance();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("PROVISIONING");

        clock.advance(Duration.ofSeconds(1));
        sync(HOST_A);
        sync(HOST_B);
        controlPlane.runMaintenance();
        JsonNode stopped = describe(taskId);
        assertThat(stopped.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("stopCode").asText()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.get("stoppedReason").asText())
                .isEqualTo("Unable to place task: RESOURCE:MEMORY (no host has 8192 MiB free; largest free: 4096 MiB; 2 hosts: 2 RESOURCE:MEMORY)");
    }

    @Test
    void runTaskTakesStrategiesAndConstraintsAndKeepsThemWhileWaiting()
    {
        sync(HOST_A);
        String pinned = runTask("""
                {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}, "taskDefinition": "small", "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone == zone-b"}],
                 "placementStrategy": [{"type": "binpack", "field": "memory"}]}""");
        assertThat(describe(pinned).get("lastStatus").asText()).isEqualTo("PROVISIONING");
        assertThat(admin(operator, "GET", "/berth/tasks/{taskId}/placement", Map.of("taskId", pinned), "{}").get("latestFailure").get("reason").asText())
                .isEqualTo("memberOf");

        assertThat(sync(HOST_B).tasks()).extracting(TaskAssignment::taskId).containsExactly(pinned);
        JsonNode placement = admin(operator, "GET", "/berth/tasks/{taskId}/placement", Map.of("taskId", pinned), "{}");
        assertThat(placement.get("hostId").asText()).isEqualTo("host-b");
        assertThat(placement.has("latestFailure")).isFalse();
        assertThat(placement.get("placementConstraints").get(0).get("expression").asText()).isEqualTo("attribute:ecs.availability-zone == zone-b");
    }

    @Test
    void runTaskRefusesPlacementItCannotUnderstand()
    {
        EcsException badExpression = ecs.fails("RunTask", """
                {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}, "taskDefinition": "small", "placementConstraints": [{"type": "memberOf", "expression": "attribute:zone = a"}]}""");
        assertThat(badExpression.type()).isEqualTo("InvalidParameterException");
        assertThat(badExpression.getMessage()).startsWith("Cannot parse memberOf expression 'attribute:zone = a': unexpected '='");

        EcsException badStrategy = ecs.fails("RunTask", """
                {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}, "taskDefinition": "small", "placementStrategy": [{"type": "binpack", "field": "disk"}]}""");
        assertThat(badStrategy.type()).isEqualTo("InvalidParameterException");
        assertThat(badStrategy.getMessage()).isEqualTo("binpack needs field cpu or memory, got 'disk'.");
    }

    @Test
    void defaultPlacementSpreadsOverZones()
    {
        sync(HOST_A);
        sync(HOST_B);
        ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"count\": 4}");

        assertThat(sync(HOST_A).tasks()).hasSize(2);
        assertThat(sync(HOST_B).tasks()).hasSize(2);
    }

    @Test
    void cordonedHostsGetNothingNewUntilUncordoned()
    {
        sync(HOST_A);
        JsonNode cordoned = admin(operator, "POST", "/berth/hosts/{hostId}/cordon", Map.of("hostId", "host-a"), "{}");
        assertThat(cordoned.get("state").asText()).isEqualTo("CORDONED");
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        assertThat(sync(HOST_A).tasks()).isEmpty();
        assertThat(admin(operator, "GET", "/berth/tasks/{taskId}/placement", Map.of("taskId", taskId), "{}").get("latestFailure").get("message").asText())
                .isEqualTo("CORDONED (no ACTIVE host can take it; 1 host: 1 CORDONED)");

        assertThat(admin(operator, "POST", "/berth/hosts/{hostId}/uncordon", Map.of("hostId", "host-a"), "{}").get("state").asText()).isEqualTo("ACTIVE");
        // the leader's placement pass (every second) gives it the waiting task
        controlPlane.runMaintenance();
        assertThat(sync(HOST_A).tasks()).extracting(TaskAssignment::taskId).containsExactly(taskId);
    }

    @Test
    void drainStopsStandaloneTasksAtTheDeadlineAndLeavesTheHostCordoned()
    {
        sync(HOST_A);
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        sync(HOST_A, running(taskId));

        JsonNode draining = admin(operator, "POST", "/berth/hosts/{hostId}/drain", Map.of("hostId", "host-a"), "{\"deadlineSeconds\": 10}");
        assertThat(draining.get("state").asText()).isEqualTo("DRAINING");
        assertThat(draining.get("drainDeadline").asDouble()).isEqualTo(clock.instant().plusSeconds(10).toEpochMilli() / 1000.0);
        String waiting = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");

        clock.advance(Duration.ofSeconds(9));
        controlPlane.runMaintenance();
        assertThat(sync(HOST_A, running(taskId)).tasks()).singleElement()
                .satisfies(assignment -> assertThat(assignment.desiredStatus()).isEqualTo(TaskAssignment.DesiredStatus.RUNNING));

        clock.advance(Duration.ofSeconds(1));
        controlPlane.runMaintenance();
        JsonNode stopping = describe(taskId);
        assertThat(stopping.get("desiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopping.get("stopCode").asText()).isEqualTo("UserInitiated");
        assertThat(stopping.get("stoppedReason").asText()).isEqualTo("Host host-a was drained for maintenance");
        assertThat(sync(HOST_A, running(taskId)).tasks()).singleElement()
                .satisfies(assignment -> assertThat(assignment.desiredStatus()).isEqualTo(TaskAssignment.DesiredStatus.STOPPED));

        sync(HOST_A, new TaskReport(taskId, TaskReport.Status.STOPPED, null, null, null, clock.instant(), null, null, List.of()));
        controlPlane.runMaintenance();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("STOPPED");
        JsonNode host = admin(operator, "GET", "/berth/hosts/{hostId}", Map.of("hostId", "host-a"), "{}");
        assertThat(host.get("state").asText()).isEqualTo("CORDONED");
        assertThat(host.get("runningTasks").asInt()).isZero();
        assertThat(host.has("drainDeadline")).isFalse();
        assertThat(describe(waiting).get("lastStatus").asText()).isEqualTo("PROVISIONING");
    }

    @Test
    void aSilentHostIsLostWithItsTasksAndIsToldToStopThemWhenItReturns()
    {
        sync(HOST_A);
        sync(HOST_B);
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"placementConstraints\": [{\"type\": \"memberOf\", \"expression\": \"instanceId == host-a\"}]}");
        Instant lastHeartbeat = clock.instant();
        sync(HOST_A, running(taskId));

        clock.advance(HOST_LOST_AFTER);
        sync(HOST_B);
        controlPlane.runMaintenance();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("RUNNING");

        clock.advance(Duration.ofSeconds(1));
        sync(HOST_B);
        controlPlane.runMaintenance();
        JsonNode stopped = describe(taskId);
        assertThat(stopped.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("stopCode").asText()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.get("stoppedReason").asText()).isEqualTo("Host host-a was lost: no heartbeat since " + lastHeartbeat);
        // what a service's controller reads to replace the task without counting a failure of it
        assertThat(HostService.stoppedWithHost("host-a", stopped.get("stoppedReason").asText())).isTrue();
        assertThat(HostService.stoppedWithHost("host-b", stopped.get("stoppedReason").asText())).isFalse();
        assertThat(HostService.stoppedWithHost("host-a", HostService.removalReason("host-a"))).isTrue();
        JsonNode hosts = admin(operator, "GET", "/berth/hosts", Map.of(), "{}").get("hosts");
        assertThat(hosts.get(0).get("hostId").asText()).isEqualTo("host-a");
        assertThat(hosts.get(0).get("state").asText()).isEqualTo("LOST");
        assertThat(hosts.get(0).get("runningTasks").asInt()).isZero();
        assertThat(hosts.get(1).get("state").asText()).isEqualTo("ACTIVE");

        // the agent comes back still running the task: the answer leaves it out, so the agent stops it
        SyncResponse back = sync(HOST_A, running(taskId));
        assertThat(back.tasks()).isEmpty();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(admin(operator, "GET", "/berth/hosts/{hostId}", Map.of("hostId", "host-a"), "{}").get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void aLostHostThatWasCordonedComesBackCordonedAndATaskThatNeverStartedFailedToStart()
    {
        sync(HOST_A);
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        admin(operator, "POST", "/berth/hosts/{hostId}/cordon", Map.of("hostId", "host-a"), "{}");

        clock.advance(HOST_LOST_AFTER.plusSeconds(1));
        controlPlane.runMaintenance();
        assertThat(describe(taskId).get("stopCode").asText()).isEqualTo("TaskFailedToStart");

        sync(HOST_A);
        assertThat(admin(operator, "GET", "/berth/hosts/{hostId}", Map.of("hostId", "host-a"), "{}").get("state").asText()).isEqualTo("CORDONED");
    }

    @Test
    void aControlPlaneBackFromLongDowntimeGivesHostsHostLostAfterToSyncBeforeCallingThemLost()
    {
        sync(HOST_A);
        sync(HOST_B);
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"placementConstraints\": [{\"type\": \"memberOf\", \"expression\": \"instanceId == host-a\"}]}");
        sync(HOST_A, running(taskId));
        controlPlane.close();

        // down for far longer than hostLostAfter: the agents kept their tasks running but could not say so
        clock.advance(HOST_LOST_AFTER.multipliedBy(10));
        restartControlPlane();
        controlPlane.runMaintenance();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("RUNNING");

        clock.advance(HOST_LOST_AFTER.minusSeconds(1));
        sync(HOST_A, running(taskId));
        clock.advance(Duration.ofSeconds(2));
        controlPlane.runMaintenance();
        assertThat(describe(taskId).get("lastStatus").asText()).isEqualTo("RUNNING");
        JsonNode hosts = admin(operator, "GET", "/berth/hosts", Map.of(), "{}").get("hosts");
        assertThat(hosts.get(0).get("state").asText()).isEqualTo("ACTIVE");
        // host-b did not come back within hostLostAfter of the restart: it is lost
        assertThat(hosts.get(1).get("state").asText()).isEqualTo("LOST");
    }

    @Test
    void hostEndpointsAreForTheOperatorOnly()
    {
        sync(HOST_A);
        String taskId = runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        List<String> denied = new ArrayList<>();
        for (AdminEndpoint endpoint : controlPlane.adminEndpoints()) {
            if (endpoint.pathPattern().startsWith("/berth/hosts") || endpoint.pathPattern().endsWith("/placement")) {
                EcsException failure = catchThrowableOfType(EcsException.class, () -> endpoint.handle(context(tenant), Map.of("hostId", "host-a", "taskId", taskId), Map.of(), EcsClient.parse("{}")));
                assertThat(failure.type()).isEqualTo("AccessDeniedException");
                denied.add(endpoint.method() + " " + endpoint.pathPattern());
            }
        }
        assertThat(denied).containsExactlyInAnyOrder("POST /berth/hosts/tokens", "DELETE /berth/hosts/tokens/{token}", "POST /berth/hosts/credentials/rotate", "GET /berth/hosts", "GET /berth/hosts/{hostId}", "POST /berth/hosts/{hostId}/cordon",
                "POST /berth/hosts/{hostId}/uncordon", "POST /berth/hosts/{hostId}/drain", "POST /berth/hosts/{hostId}/interrupt-spot", "DELETE /berth/hosts/{hostId}", "GET /berth/tasks/{taskId}/placement");
        assertThat(admin(operator, "GET", "/berth/hosts/{hostId}", Map.of("hostId", "host-a"), "{}").get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void hostListShowsCapacityAndAllocation()
    {
        sync(HOST_A);
        runTask("{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        JsonNode host = admin(operator, "GET", "/berth/hosts", Map.of(), "{}").get("hosts").get(0);
        assertThat(host.get("hostId").asText()).isEqualTo("host-a");
        assertThat(host.get("address").asText()).isEqualTo("10.0.0.1");
        assertThat(host.get("cpu").toString()).isEqualTo("{\"capacity\":2048,\"allocated\":256}");
        assertThat(host.get("memory").toString()).isEqualTo("{\"capacity\":4096,\"allocated\":512}");
        assertThat(host.get("runningTasks").asInt()).isEqualTo(1);
        assertThat(host.get("lastHeartbeat").asDouble()).isEqualTo(clock.instant().toEpochMilli() / 1000.0);
        assertThat(host.get("attributes").get("ecs.availability-zone").asText()).isEqualTo("zone-a");
    }

    @Test
    void unknownHostsAndBadDeadlinesAreClearErrors()
    {
        EcsException unknown = catchThrowableOfType(EcsException.class, () -> admin(operator, "POST", "/berth/hosts/{hostId}/cordon", Map.of("hostId", "host-x"), "{}"));
        assertThat(unknown.getMessage()).isEqualTo("No host host-x has joined this control plane; `berth host ls` lists the hosts.");
        sync(HOST_A);
        EcsException deadline = catchThrowableOfType(EcsException.class, () -> admin(operator, "POST", "/berth/hosts/{hostId}/drain", Map.of("hostId", "host-a"), "{\"deadlineSeconds\": -5}"));
        assertThat(deadline.getMessage()).isEqualTo("deadlineSeconds must be a whole number of seconds, 0 or more, got -5.");
    }

    private static TaskReport running(String taskId)
    {
        return new TaskReport(taskId, TaskReport.Status.RUNNING, null, null, Instant.parse("2025-01-01T00:00:00Z"), null, null, null, List.of());
    }

    private SyncResponse sync(HostInfo host, TaskReport... reports)
    {
        return controlPlane.agentGateway().sync(new SyncRequest(host, List.of(reports)));
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

    private static RequestContext context(AccessKey key)
    {
        return new RequestContext(key.account(), "us-east-1", "request");
    }

    private JsonNode admin(AccessKey key, String method, String path, Map<String, String> pathParameters, String body)
    {
        AdminEndpoint endpoint = controlPlane.adminEndpoints().stream()
                .filter(candidate -> candidate.method().equals(method) && candidate.pathPattern().equals(path))
                .findFirst()
                .orElseThrow();
        return endpoint.handle(context(key), pathParameters, Map.of(), EcsClient.parse(body));
    }
}
