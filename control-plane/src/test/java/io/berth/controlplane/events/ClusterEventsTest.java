package io.berth.controlplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.api.admin.AdminClient;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane's decisions end up in `berth events` (GET /berth/events): placements, waits, stops and their
 * reasons, host changes; the operator reads them all, an account only those about its own resources.
 */
class ClusterEventsTest
{
    private static final Duration PLACEMENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HOST_LOST_AFTER = Duration.ofSeconds(20);
    private static final HostInfo HOST_A = new HostInfo("host-a", "10.0.0.1", 2048, 4096, Map.of("ecs.availability-zone", "zone-a"));
    private static final String NETWORK = "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}";

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey tenant;
    private AccessKey other;
    private EcsClient ecs;
    private AdminClient admin;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db"))
                .withClock(clock)
                .withHostTimeout(HOST_LOST_AFTER)
                .withHostLostAfter(HOST_LOST_AFTER)
                .withPlacementTimeout(PLACEMENT_TIMEOUT));
        operator = controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("tenant");
        other = controlPlane.accounts().createAccount("other");
        ecs = new EcsClient(controlPlane, tenant);
        admin = new AdminClient(controlPlane);
        ecs.call("RegisterTaskDefinition", """
                {"family": "small", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
        ecs.call("RegisterTaskDefinition", """
                {"family": "large", "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "8192", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void aTaskPlacedStoppedByItsOwnerAndReportedStoppedTellsWhereAndWhy()
    {
        sync(HOST_A);
        String arn = runTask("small");
        String taskId = arn.substring(arn.lastIndexOf('/') + 1);
        sync(HOST_A, report(taskId, TaskReport.Status.RUNNING, null, null));
        ecs.call("StopTask", "{\"task\": \"" + taskId + "\", \"reason\": \"done testing\"}");
        sync(HOST_A, report(taskId, TaskReport.Status.STOPPED, null, null));

        List<JsonNode> events = events(tenant, Map.of());
        assertThat(events).extracting(event -> event.get("type").asText()).containsExactly("TASK_PLACED", "TASK_STOP_REQUESTED", "TASK_STOPPED");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.get("resource").asText()).isEqualTo(arn);
            assertThat(event.get("accountId").asText()).isEqualTo(tenant.account().accountId());
        });
        assertThat(events.get(0).get("hostId").asText()).isEqualTo("host-a");
        assertThat(events.get(0).get("message").asText()).startsWith("placed on host host-a after ");
        assertThat(events.get(1).get("message").asText()).isEqualTo("told to stop (UserInitiated): done testing");
        assertThat(events.get(2).get("message").asText()).isEqualTo("stopped (UserInitiated): done testing");
        assertThat(events.get(0).get("time").decimalValue().longValue()).isEqualTo(clock.instant().getEpochSecond());

        assertThat(events(other, Map.of())).as("another account's view").isEmpty();
        assertThat(decisions(operator)).extracting(event -> event.get("eventId").asLong())
                .containsExactlyElementsOf(events.stream().map(event -> event.get("eventId").asLong()).toList());
    }

    @Test
    void aTaskThatFitsNowhereWaitsThenStopsAndAHostLostStopsItsTasks()
    {
        sync(HOST_A);
        String waiting = runTask("large");
        String placed = runTask("small");
        String placedId = placed.substring(placed.lastIndexOf('/') + 1);
        sync(HOST_A, report(placedId, TaskReport.Status.RUNNING, null, null));
        clock.advance(PLACEMENT_TIMEOUT);
        controlPlane.runMaintenance();

        List<JsonNode> events = events(operator, Map.of());
        assertThat(events).extracting(event -> event.get("type").asText() + " " + event.get("resource").asText()).containsSubsequence(
                "TASK_WAITING " + waiting, "TASK_PLACED " + placed, "HOST_LOST host-a", "TASK_STOPPED " + placed, "TASK_STOPPED " + waiting);
        JsonNode lost = events.stream().filter(event -> event.get("type").asText().equals("HOST_LOST")).findFirst().orElseThrow();
        assertThat(lost.has("accountId")).isFalse();
        assertThat(lost.get("message").asText()).startsWith("lost: no heartbeat since ").endsWith("; 1 of its tasks recorded STOPPED");
        assertThat(events.stream().filter(event -> event.get("resource").asText().equals(waiting) && event.get("type").asText().equals("TASK_STOPPED"))
                .findFirst().orElseThrow().get("message").asText()).isEqualTo("stopped (TaskFailedToStart): Unable to place task: LOST (no ACTIVE host can take it; 1 host: 1 LOST)");

        assertThat(events(tenant, Map.of())).extracting(event -> event.get("type").asText()).doesNotContain("HOST_LOST");
    }

    @Test
    void theOperatorsHostChangesAreEvents()
    {
        sync(HOST_A);
        admin.call(operator, "POST", "/berth/hosts/{hostId}/cordon", Map.of("hostId", "host-a"), Map.of(), "{}");
        admin.call(operator, "POST", "/berth/hosts/{hostId}/uncordon", Map.of("hostId", "host-a"), Map.of(), "{}");
        admin.call(operator, "POST", "/berth/hosts/{hostId}/drain", Map.of("hostId", "host-a"), Map.of(), "{\"deadlineSeconds\": 60}");

        assertThat(decisions(operator)).extracting(event -> event.get("type").asText())
                .containsExactly("HOST_CORDONED", "HOST_UNCORDONED", "HOST_DRAINING", "HOST_DRAINED");
    }

    @Test
    void aFollowerReadsAfterTheLastIdAndTheNewestComeWithoutOne()
    {
        sync(HOST_A);
        List<String> arns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            arns.add(runTask("small"));
        }
        JsonNode newest = admin.call(tenant, "GET", "/berth/events", Map.of(), Map.of("limit", "2"), "{}");
        assertThat(newest.get("events")).extracting(event -> event.get("resource").asText()).containsExactly(arns.get(1), arns.get(2));
        long last = newest.get("lastEventId").asLong();
        assertThat(admin.call(tenant, "GET", "/berth/events", Map.of(), Map.of("after", Long.toString(last)), "{}").get("events")).isEmpty();

        String fourth = runTask("small");
        JsonNode next = admin.call(tenant, "GET", "/berth/events", Map.of(), Map.of("after", Long.toString(last)), "{}");
        assertThat(next.get("events")).extracting(event -> event.get("resource").asText()).containsExactly(fourth);
        assertThat(next.get("lastEventId").asLong()).isGreaterThan(last);
    }

    @Test
    void badParametersAreRefusedByName()
    {
        EcsException unknown = admin.fails(tenant, "GET", "/berth/events", Map.of(), Map.of("since", "1"), "{}");
        assertThat(unknown.type()).isEqualTo("InvalidParameterException");
        assertThat(unknown.getMessage()).contains("since");
        EcsException limit = admin.fails(tenant, "GET", "/berth/events", Map.of(), Map.of("limit", "5000"), "{}");
        assertThat(limit.getMessage()).isEqualTo("limit must be a whole number from 1 to 1000, got '5000'.");
        EcsException after = admin.fails(tenant, "GET", "/berth/events", Map.of(), Map.of("after", "-1"), "{}");
        assertThat(after.type()).isEqualTo("InvalidParameterException");
        assertThat(after.getMessage()).contains("after");
    }

    private List<JsonNode> events(AccessKey key, Map<String, String> query)
    {
        List<JsonNode> events = new ArrayList<>();
        admin.call(key, "GET", "/berth/events", Map.of(), query, "{}").get("events").forEach(events::add);
        return events;
    }

    /** The operator's events but those of the control plane's own leadership (it took the lease as it started). */
    private List<JsonNode> decisions(AccessKey operator)
    {
        return events(operator, Map.of()).stream().filter(event -> !event.get("type").asText().startsWith("LEADER_")).toList();
    }

    private void sync(HostInfo host, TaskReport... reports)
    {
        controlPlane.agentGateway().sync(new SyncRequest(host, List.of(reports)));
    }

    private String runTask(String family)
    {
        return ecs.call("RunTask", "{" + NETWORK + ", \"taskDefinition\": \"" + family + "\"}").get("tasks").get(0).get("taskArn").asText();
    }

    private TaskReport report(String taskId, TaskReport.Status status, String stopCode, String reason)
    {
        return new TaskReport(taskId, status, clock.instant(), clock.instant(), clock.instant(), status == TaskReport.Status.STOPPED ? clock.instant() : null,
                stopCode, reason, List.of());
    }
}
