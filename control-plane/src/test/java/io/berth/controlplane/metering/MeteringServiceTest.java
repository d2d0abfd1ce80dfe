package io.berth.controlplane.metering;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskUsage;
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

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Usage from agent reports through the gateway into the store, and the bill through its admin endpoint. */
class MeteringServiceTest
{
    private static final HostInfo HOST = new HostInfo("host-1", "127.0.0.1", 16384, 65536, Map.of());
    private static final String DEFINITION = """
            {"family": "job", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "busybox"}]}
            """;

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T12:00:00Z"));
    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey tenantA;
    private AccessKey tenantB;

    @BeforeEach
    void start()
    {
        controlPlane = open();
        operator = controlPlane.accounts().bootstrapOperator();
        tenantA = controlPlane.accounts().createAccount("team-a");
        tenantB = controlPlane.accounts().createAccount("team-b");
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void billsTheWholeRunAcrossAControlPlaneRestartWithoutCountingUsageTwice()
    {
        String taskId = runTask(tenantA);
        Instant pullStart = clock.instant();
        report(taskId, TaskReport.Status.PENDING, pullStart, null, null);
        clock.advance(Duration.ofSeconds(30));
        report(taskId, TaskReport.Status.RUNNING, pullStart, null, new TaskUsage(3, 20, 25, 28, clock.instant()));

        // the control plane goes away for a while; the task keeps running
        controlPlane.close();
        clock.advance(Duration.ofSeconds(100));
        controlPlane = open();
        // the same report twice, then a late one from before the restart: nothing counts twice
        TaskUsage latest = new TaskUsage(13, 22, 30, 128, clock.instant());
        report(taskId, TaskReport.Status.RUNNING, pullStart, null, latest);
        report(taskId, TaskReport.Status.RUNNING, pullStart, null, latest);
        report(taskId, TaskReport.Status.RUNNING, pullStart, null, new TaskUsage(3, 20, 25, 28, pullStart.plusSeconds(30)));
        clock.advance(Duration.ofMillis(20_400));
        Instant stopped = clock.instant();
        report(taskId, TaskReport.Status.STOPPED, pullStart, stopped, new TaskUsage(14, 22, 31, 148, stopped));

        JsonNode line = bill(tenantA, Map.of()).get("lines").get(0);
        // 150.4 s rounded up
        assertThat(line.get("billedSeconds").asLong()).isEqualTo(151);
        assertThat(line.get("usedCpuSeconds").asDouble()).isEqualTo(14);
        assertThat(line.get("peakMemoryMiB").asDouble()).isEqualTo(31);
        assertThat(line.get("avgMemoryMiB").asDouble()).isEqualTo(22);
        assertThat(new BigDecimal(line.get("cost").asText()))
                .isEqualTo(BillingMath.cost(151, new BigDecimal("0.25"), new BigDecimal("0.5"), PriceList.FARGATE_US_EAST_1_LINUX_X86));
        assertThat(line.get("stoppedAt").asText()).isEqualTo(stopped.toString());
    }

    @Test
    void eachAccountSeesOnlyItsOwnBillAndTheOperatorSeesAll()
    {
        String taskOfA = runTask(tenantA);
        String taskOfB = runTask(tenantB);
        Instant pullStart = clock.instant();
        report(taskOfA, TaskReport.Status.RUNNING, pullStart, null, null);
        report(taskOfB, TaskReport.Status.RUNNING, pullStart, null, null);
        clock.advance(Duration.ofSeconds(5));

        assertThat(taskIds(bill(tenantA, Map.of()))).containsExactly(taskOfA);
        assertThat(taskIds(bill(tenantB, Map.of()))).containsExactly(taskOfB);
        assertThat(taskIds(bill(operator, Map.of()))).containsExactlyInAnyOrder(taskOfA, taskOfB);
        assertThat(taskIds(bill(operator, Map.of("account", tenantB.account().accountId())))).containsExactly(taskOfB);
        assertThat(catchThrowableOfType(EcsException.class, () -> bill(tenantA, Map.of("account", tenantB.account().accountId()))).type())
                .isEqualTo("AccessDeniedException");
        // a running task is billed the minimum so far
        assertThat(bill(tenantA, Map.of()).get("total").get("billedSeconds").asLong()).isEqualTo(60);
    }

    @Test
    void aTaskStoppedBeforeItsPullIsNotBilledAndStopsAreCapturedBeforePurge()
    {
        String neverPulled = runTask(tenantA);
        new EcsClient(controlPlane, tenantA).call("StopTask", "{\"task\": \"" + neverPulled + "\"}");
        String stoppedByControlPlane = runTask(tenantA);
        report(stoppedByControlPlane, TaskReport.Status.RUNNING, clock.instant(), null, null);
        clock.advance(Duration.ofSeconds(90));
        report(stoppedByControlPlane, TaskReport.Status.STOPPED, null, null, null);
        clock.advance(Duration.ofHours(2));
        assertThat(controlPlane.purgeExpired()).isEqualTo(2);

        JsonNode bill = bill(tenantA, Map.of());
        assertThat(taskIds(bill)).containsExactly(stoppedByControlPlane);
        assertThat(bill.get("total").get("billedSeconds").asLong()).isEqualTo(90);
    }

    @Test
    void rejectsBadParametersWithOneLine()
    {
        assertThat(catchThrowableOfType(EcsException.class, () -> bill(tenantA, Map.of("by", "host"))).getMessage())
                .isEqualTo("by must be task, family, service, cluster or tag:KEY, got 'host'.");
        assertThat(catchThrowableOfType(EcsException.class, () -> bill(tenantA, Map.of("since", "yesterday"))).getMessage())
                .startsWith("Since must be a date (2024-05-01)");
        assertThat(catchThrowableOfType(EcsException.class, () -> bill(tenantA, Map.of("since", "2025-03-02", "until", "2025-03-01"))).type())
                .isEqualTo("InvalidParameterException");
    }

    private ControlPlane open()
    {
        return new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
    }

    private String runTask(AccessKey key)
    {
        EcsClient ecs = new EcsClient(controlPlane, key);
        ecs.call("RegisterTaskDefinition", DEFINITION);
        controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}").get("tasks").get(0).get("taskArn").asText();
        controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private void report(String taskId, TaskReport.Status status, Instant pullStartedAt, Instant stoppedAt, TaskUsage usage)
    {
        controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of(
                new TaskReport(taskId, status, pullStartedAt, pullStartedAt, pullStartedAt, stoppedAt, null, null, List.of(), usage, null))));
    }

    private JsonNode bill(AccessKey key, Map<String, String> query)
    {
        AdminEndpoint endpoint = controlPlane.adminEndpoints().stream()
                .filter(candidate -> candidate.pathPattern().equals("/berth/bill"))
                .findFirst()
                .orElseThrow();
        return endpoint.handle(new RequestContext(key.account(), "us-east-1", "request"), Map.of(), new HashMap<>(query), EcsClient.parse("{}"));
    }

    private static List<String> taskIds(JsonNode bill)
    {
        List<String> ids = new ArrayList<>();
        bill.get("lines").forEach(line -> ids.add(line.get("taskId").asText()));
        return ids;
    }
}
