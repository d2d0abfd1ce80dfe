package io.berth.controlplane.network;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.agents.AgentGateway;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plans' shared view of the cluster's network: a sync that only made task endpoints appear or go away moves the view
 * to the epoch its commit made, so the next syncs take it without reading the cluster again, and it is what a view
 * read afresh would be.
 */
class SharedNetworkViewTest
{
    private static final HostInfo HOST_1 = new HostInfo("host-1", "192.0.2.11", 2048, 4096, Map.of());
    private static final HostInfo HOST_2 = new HostInfo("host-2", "192.0.2.12", 2048, 4096, Map.of());
    private static final HostInfo HOST_3 = new HostInfo("host-3", "192.0.2.13", 2048, 4096, Map.of());

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AgentGateway gateway;
    private EcsClient ecs;
    private AccessKey tenant;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock)
                .withTaskAddressPlan(TaskAddressPlan.of("10.77.0.0/16", 24)));
        gateway = controlPlane.agentGateway();
        tenant = controlPlane.accounts().createAccount("tenant");
        ecs = new EcsClient(controlPlane, tenant);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", "
                + "\"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void endpointsThatASyncMadeAppearAndGoAwayMoveTheSharedViewWithoutAReadOfTheCluster()
    {
        TaskNetwork network = controlPlane.taskNetwork();
        sync(HOST_1);
        sync(HOST_2);
        String first = runTask("host-1");
        String second = runTask("host-1");
        sync(HOST_1);
        sync(HOST_2);
        long built = network.builds();

        // host-1 reports both tasks running with their addresses: a change of endpoints only
        sync(HOST_1, running(first, "10.77.0.5"), running(second, "10.77.0.3"));
        List<TaskEndpoint> endpoints = List.of(new TaskEndpoint("10.77.0.3", tenant.account().accountId()), new TaskEndpoint("10.77.0.5", tenant.account().accountId()));
        assertThat(gateway.network("host-2").orElseThrow().endpoints()).containsExactlyElementsOf(endpoints);
        assertThat(gateway.network("host-2").orElseThrow().peers()).extracting(NetworkPeer::hostId).containsExactly("host-1");
        assertThat(network.builds()).as("views read whole").isEqualTo(built);

        // one stops: its endpoint goes, still without a read, and the view is what one read afresh would be
        sync(HOST_1, running(first, "10.77.0.5"), stopped(second, "10.77.0.3"));
        assertThat(gateway.network("host-2").orElseThrow().endpoints()).containsExactly(endpoints.get(1));
        assertThat(network.builds()).isEqualTo(built);

        // a host joins: a change of more than endpoints, so views are read whole again (host-3's own, its new slice being in
        // no shared one, and then the new epoch's), and they have what the moved one had
        sync(HOST_3);
        assertThat(gateway.network("host-2").orElseThrow().endpoints()).containsExactly(endpoints.get(1));
        assertThat(network.builds()).isEqualTo(built + 2);
    }

    @Test
    void endpointChangesKeepTheOrderAndTheCountsOfAListBuiltAgain()
    {
        TaskEndpoint a = new TaskEndpoint("10.77.0.10", "111111111111");
        TaskEndpoint b = new TaskEndpoint("10.77.0.2", "111111111111");
        TaskEndpoint c = new TaskEndpoint("10.77.1.7", "222222222222");
        // an address taken again before the task that held it is seen stopped is listed twice, as the tasks hold it
        TaskEndpoint again = new TaskEndpoint("10.77.0.2", "222222222222");
        ClusterNetwork before = new ClusterNetwork(Map.of(), List.of(), List.of(a, b, c).stream().sorted(NetworkPlanBuilder.ENDPOINT_ORDER).toList(), Map.of());
        ClusterNetwork after = before.withEndpointChanges(List.of(
                new StoreTransaction.EndpointChange(null, again),
                new StoreTransaction.EndpointChange(c, new TaskEndpoint("10.77.1.8", "222222222222")),
                new StoreTransaction.EndpointChange(a, null),
                new StoreTransaction.EndpointChange(null, b)));
        assertThat(after.endpoints()).containsExactlyElementsOf(List.of(b, b, again, new TaskEndpoint("10.77.1.8", "222222222222")).stream()
                .sorted(NetworkPlanBuilder.ENDPOINT_ORDER).toList());
        assertThat(before.endpoints()).containsExactly(a, b, c);
    }

    private String runTask(String hostId)
    {
        String arn = ecs.call("RunTask", "{\"taskDefinition\": \"job\", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, "
                + "\"placementConstraints\": [{\"type\": \"memberOf\", \"expression\": \"instanceId == " + hostId + "\"}]}")
                .path("tasks").get(0).path("taskArn").asText();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private TaskReport running(String taskId, String address)
    {
        Instant now = clock.instant();
        return new TaskReport(taskId, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null,
                new NetworkReport(address, "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:0" + address.charAt(address.length() - 1)));
    }

    private TaskReport stopped(String taskId, String address)
    {
        Instant now = clock.instant();
        return new TaskReport(taskId, TaskReport.Status.STOPPED, now, now, now, now, "EssentialContainerExited", "exited", List.of(), null,
                new NetworkReport(address, "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:0" + address.charAt(address.length() - 1)));
    }

    private void sync(HostInfo host, TaskReport... reports)
    {
        gateway.sync(new SyncRequest(host, List.of(reports)));
    }
}
