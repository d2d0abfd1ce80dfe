package io.berth.controlplane.placement;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measured starvation on main: account B's unplaceable tasks (more than one placement batch) kept account
 * A's task waiting on an idle host. Through the control plane with the real (SQLite) store.
 */
class FairPlacementTest
{
    private static final HostInfo HOST = new HostInfo("host-a", "10.0.0.1", 4096, 8192, Map.of("ecs.availability-zone", "zone-a"));
    private static final String UNPLACEABLE = """
            {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}, "taskDefinition": "small", "count": 10,
             "placementConstraints": [{"type": "memberOf", "expression": "attribute:disk == nvme"}]}""";

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private EcsClient tenantA;
    private EcsClient tenantB;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        controlPlane.accounts().bootstrapOperator();
        tenantA = new EcsClient(controlPlane, controlPlane.accounts().createAccount("tenant-a"));
        tenantB = new EcsClient(controlPlane, controlPlane.accounts().createAccount("tenant-b"));
        for (EcsClient tenant : List.of(tenantA, tenantB)) {
            tenant.call("RegisterTaskDefinition", """
                    {"family": "small", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
        }
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void anotherAccountsUnplaceableTasksDoNotDelayATask()
    {
        sync();
        for (int i = 0; i < 11; i++) {
            tenantB.call("RunTask", UNPLACEABLE);
            clock.advance(java.time.Duration.ofMillis(10));
        }
        String taskA = taskId(tenantA.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}").get("tasks").get(0).get("taskArn").asText());

        assertThat(sync().tasks()).extracting(TaskAssignment::taskId).containsExactly(taskA);
    }

    @Test
    void anAccountsUnplaceableTasksDoNotDelayItsOwnPlaceableTask()
    {
        sync();
        for (int i = 0; i < 11; i++) {
            tenantB.call("RunTask", UNPLACEABLE);
            clock.advance(java.time.Duration.ofMillis(10));
        }
        String placeable = taskId(tenantB.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}").get("tasks").get(0).get("taskArn").asText());

        assertThat(sync().tasks()).extracting(TaskAssignment::taskId).containsExactly(placeable);
    }

    private SyncResponse sync()
    {
        return controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
    }

    private static String taskId(String arn)
    {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
