package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's spot commands: interrupt-spot stops a host's FARGATE_SPOT tasks (SpotInterruption) and leaves its
 * on-demand ones; a drain interrupts the spot tasks at once and leaves the others to its deadline; a tenant may not.
 */
class SpotAdminEndpointsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey owner;
    private AdminClient admin;
    private EcsClient ecs;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        operator = controlPlane.accounts().bootstrapOperator();
        owner = controlPlane.accounts().createAccount("owner");
        admin = new AdminClient(controlPlane);
        ecs = new EcsClient(controlPlane, owner);
        controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-1", "127.0.0.1", 4096, 8192, Map.of()), List.of()));
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        ecs.call("CreateCluster", "{\"clusterName\": \"default\", \"capacityProviders\": [\"FARGATE\", \"FARGATE_SPOT\"]}");
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void interruptSpotStopsTheHostsSpotTasksOnly()
    {
        String spot = run("\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]");
        String onDemand = run("\"launchType\": \"FARGATE\"");

        assertThat(admin.fails(owner, "POST", "/berth/hosts/{hostId}/interrupt-spot", Map.of("hostId", "host-1"), Map.of(), "{}").type())
                .isEqualTo("AccessDeniedException");
        JsonNode response = admin.call(operator, "POST", "/berth/hosts/{hostId}/interrupt-spot", Map.of("hostId", "host-1"), Map.of(), "{}");

        assertThat(response.get("interruptedTasks")).hasSize(1);
        assertThat(response.get("interruptedTasks").get(0).asText()).isEqualTo(spot);
        JsonNode interrupted = describe(spot);
        assertThat(interrupted.get("desiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(interrupted.get("stopCode").asText()).isEqualTo("SpotInterruption");
        assertThat(interrupted.get("stoppedReason").asText()).startsWith("Your Spot Task was interrupted.");
        assertThat(describe(onDemand).get("desiredStatus").asText()).isEqualTo("RUNNING");
        assertThat(admin.fails(operator, "POST", "/berth/hosts/{hostId}/interrupt-spot", Map.of("hostId", "nowhere"), Map.of(), "{}").type())
                .isEqualTo("ResourceNotFoundException");
    }

    @Test
    void aDrainInterruptsSpotTasksAtOnceAndLeavesTheOthersToItsDeadline()
    {
        String spot = run("\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]");
        String onDemand = run("\"launchType\": \"FARGATE\"");

        admin.call(operator, "POST", "/berth/hosts/{hostId}/drain", Map.of("hostId", "host-1"), Map.of(), "{\"deadlineSeconds\": 300}");

        assertThat(describe(spot).get("stopCode").asText()).isEqualTo("SpotInterruption");
        assertThat(describe(spot).get("stoppedReason").asText()).contains("drained");
        assertThat(describe(onDemand).get("desiredStatus").asText()).isEqualTo("RUNNING");
    }

    private String run(String fields)
    {
        return ecs.call("RunTask", "{\"taskDefinition\": \"job\", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"s\"]}}, " + fields + "}")
                .get("tasks").get(0).get("taskArn").asText();
    }

    private JsonNode describe(String taskArn)
    {
        return ecs.call("DescribeTasks", "{\"tasks\": [\"" + taskArn + "\"]}").get("tasks").get(0);
    }
}
