package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.network.TaskAddressPlan;
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

import static org.assertj.core.api.Assertions.assertThat;

/** The task network in the sync answer: slices, peers, endpoints and egress, and how other hosts learn of changes. */
class AgentGatewayNetworkTest
{
    private static final HostInfo HOST_1 = new HostInfo("host-1", "192.0.2.11", 2048, 4096, Map.of());
    private static final HostInfo HOST_2 = new HostInfo("host-2", "192.0.2.12", 2048, 4096, Map.of());
    private static final HostInfo HOST_3 = new HostInfo("host-3", "192.0.2.13", 2048, 4096, Map.of());

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AgentGateway gateway;
    private AccessKey tenant;
    private EcsClient ecs;

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
    void eachHostGetsItsSliceAndTheOthersAsPeers()
    {
        controlPlane.taskNetwork().publishApiAddress("192.0.2.1", 8686);
        NetworkPlan first = sync(HOST_1).network();
        assertThat(first.taskCidr()).isEqualTo("10.77.0.0/16");
        assertThat(first.hostSubnet()).isEqualTo("10.77.0.0/24");
        assertThat(first.link()).isEqualTo(TaskAddressPlan.of("10.77.0.0/16", 24).link());
        assertThat(first.peers()).isEmpty();
        assertThat(first.reachableServices()).containsExactly("192.0.2.1:8686");

        NetworkPlan second = sync(HOST_2).network();
        assertThat(second.hostSubnet()).isEqualTo("10.77.1.0/24");
        assertThat(second.peers()).containsExactly(new NetworkPeer("host-1", "192.0.2.11", "10.77.0.0/24"));
        // the slice is the host's for life
        assertThat(sync(HOST_1).network().hostSubnet()).isEqualTo("10.77.0.0/24");
        assertThat(sync(HOST_1).network().peers()).containsExactly(new NetworkPeer("host-2", "192.0.2.12", "10.77.1.0/24"));
        assertThat(controlPlane.hosts().find("host-2").host().taskSubnet()).isEqualTo("10.77.1.0/24");
    }

    @Test
    void aNewHostWakesTheOthers()
            throws InterruptedException
    {
        sync(HOST_1);
        assertThat(gateway.waitForChange("host-1", Duration.ZERO)).isFalse();
        sync(HOST_2);
        assertThat(gateway.waitForChange("host-1", Duration.ZERO)).isTrue();
        // only its network changed: an agent that can fetch the plan alone is told so, and gets the new peer without a sync
        assertThat(gateway.awaitChanges("host-1", Duration.ZERO)).isEqualTo(HostChange.NETWORK);
        assertThat(gateway.network("host-1").orElseThrow().peers()).extracting(NetworkPeer::hostId).containsExactly("host-2");
        assertThat(gateway.awaitChanges("host-1", Duration.ZERO)).isEqualTo(HostChange.NONE);
    }

    @Test
    void aTaskAddressBecomesAnEndpointEverywhereUntilTheTaskStops()
            throws InterruptedException
    {
        sync(HOST_1);
        sync(HOST_2);
        sync(HOST_3);
        String taskId = runTask("host-1");
        // host-2 holds a task of the same account; host-3 only another account's
        runTask("host-2");
        AccessKey neighbour = controlPlane.accounts().createAccount("neighbour");
        ecs = new EcsClient(controlPlane, neighbour);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", "
                + "\"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        runTask("host-3");
        assertThat(sync(HOST_1).tasks()).extracting(assignment -> assignment.accountId()).containsExactly(tenant.account().accountId());
        sync(HOST_2);
        sync(HOST_3);
        assertThat(gateway.waitForChange("host-2", Duration.ZERO)).isFalse();
        assertThat(gateway.waitForChange("host-3", Duration.ZERO)).isFalse();

        Instant now = clock.instant();
        NetworkReport address = new NetworkReport("10.77.0.2", "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:02");
        sync(HOST_1, new TaskReport(taskId, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null, address));
        // the host with a task of the account must let the new address in at once; the other has no rule to change. Only
        // their network changed: they fetch the plan, with no sync (and no write) of theirs
        assertThat(gateway.awaitChanges("host-2", Duration.ZERO)).isEqualTo(HostChange.NETWORK);
        assertThat(gateway.awaitChanges("host-3", Duration.ZERO)).isEqualTo(HostChange.NONE);
        TaskEndpoint endpoint = new TaskEndpoint("10.77.0.2", tenant.account().accountId());
        assertThat(gateway.network("host-2").orElseThrow().endpoints()).containsExactly(endpoint);
        assertThat(sync(HOST_2).network().endpoints()).containsExactly(endpoint);
        assertThat(sync(HOST_1).network().endpoints()).containsExactly(endpoint);
        // every host's plan still lists it, from its next sync
        assertThat(sync(HOST_3).network().endpoints()).containsExactly(endpoint);

        // the same report again changes nothing the other hosts need to hear of
        sync(HOST_1, new TaskReport(taskId, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null, address));
        assertThat(gateway.waitForChange("host-2", Duration.ZERO)).isFalse();

        sync(HOST_1, new TaskReport(taskId, TaskReport.Status.STOPPED, now, now, now, now, "EssentialContainerExited", "exited", List.of(), null, address));
        assertThat(gateway.waitForChange("host-2", Duration.ZERO)).isTrue();
        assertThat(gateway.waitForChange("host-3", Duration.ZERO)).isFalse();
        assertThat(sync(HOST_2).network().endpoints()).isEmpty();
        assertThat(sync(HOST_3).network().endpoints()).isEmpty();
    }

    @Test
    void aHostThatTookATaskOfTheAccountSinceTheLastWakeUpIsWokenByTheNextAddressOfIt()
            throws InterruptedException
    {
        sync(HOST_1);
        sync(HOST_2);
        sync(HOST_3);
        String first = runTask("host-1");
        String second = runTask("host-1");
        runTask("host-2");
        sync(HOST_2);
        sync(HOST_3);
        assertThat(gateway.awaitChanges("host-2", Duration.ZERO)).isEqualTo(HostChange.NONE);
        Instant now = clock.instant();
        sync(HOST_1, new TaskReport(first, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null,
                new NetworkReport("10.77.0.2", "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:02")));
        assertThat(gateway.awaitChanges("host-2", Duration.ZERO)).isEqualTo(HostChange.NETWORK);
        assertThat(gateway.awaitChanges("host-3", Duration.ZERO)).isEqualTo(HostChange.NONE);
        sync(HOST_2);
        sync(HOST_3);

        // host-3 takes a task of the account: the next address of the account wakes it too (what the last wake-up read of
        // the account's hosts is not used past a change of the placed tasks)
        runTask("host-3");
        sync(HOST_3);
        assertThat(gateway.awaitChanges("host-3", Duration.ZERO)).isEqualTo(HostChange.NONE);
        sync(HOST_1, new TaskReport(first, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null,
                new NetworkReport("10.77.0.2", "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:02")),
                new TaskReport(second, TaskReport.Status.RUNNING, now, now, now, null, null, null, List.of(), null,
                        new NetworkReport("10.77.0.3", "10.77.0.0/24", "10.77.0.1", "02:00:00:00:00:03")));
        assertThat(gateway.awaitChanges("host-2", Duration.ZERO)).isEqualTo(HostChange.NETWORK);
        assertThat(gateway.awaitChanges("host-3", Duration.ZERO)).isEqualTo(HostChange.NETWORK);
    }

    @Test
    void aLostHostLeavesThePeersAndComesBack()
            throws InterruptedException
    {
        sync(HOST_1);
        sync(HOST_2);
        clock.advance(ControlPlaneConfig.DEFAULT_HOST_LOST_AFTER.plusSeconds(1));
        sync(HOST_2);
        assertThat(controlPlane.hosts().markLostHosts()).containsExactly("host-1");
        assertThat(gateway.waitForChange("host-2", Duration.ZERO)).isTrue();
        assertThat(sync(HOST_2).network().peers()).isEmpty();

        assertThat(sync(HOST_1).network().hostSubnet()).isEqualTo("10.77.0.0/24");
        assertThat(gateway.waitForChange("host-2", Duration.ZERO)).isTrue();
        assertThat(sync(HOST_2).network().peers()).extracting(NetworkPeer::hostId).containsExactly("host-1");
    }

    @Test
    void aRemovedHostLeavesThePeersAndItsSliceIsReused()
            throws InterruptedException
    {
        sync(HOST_1);
        sync(HOST_2);
        sync(HOST_3);
        sync(HOST_1);

        assertThat(controlPlane.hosts().remove("host-2", false).taskSubnet()).isEqualTo("10.77.1.0/24");
        assertThat(gateway.waitForChange("host-1", Duration.ZERO)).isTrue();
        assertThat(sync(HOST_1).network().peers()).extracting(NetworkPeer::hostId).containsExactly("host-3");

        HostInfo host4 = new HostInfo("host-4", "192.0.2.14", 2048, 4096, Map.of());
        assertThat(sync(host4).network().hostSubnet()).isEqualTo("10.77.1.0/24");
    }

    @Test
    void restrictedEgressReachesEveryHost()
            throws InterruptedException
    {
        sync(HOST_1);
        controlPlane.egressPolicies().set(tenant.account().accountId(), EgressPolicy.denyAll());
        assertThat(gateway.waitForChange("host-1", Duration.ZERO)).isTrue();
        assertThat(sync(HOST_1).network().egress()).containsExactly(Map.entry(tenant.account().accountId(), EgressPolicy.denyAll()));
    }

    @Test
    void aHostForWhichNoSliceIsLeftSyncsWithoutANetwork()
    {
        controlPlane.close();
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("small.db")).withClock(clock)
                .withTaskAddressPlan(TaskAddressPlan.of("10.78.0.0/24", 25)));
        gateway = controlPlane.agentGateway();
        assertThat(sync(HOST_1).network().hostSubnet()).isEqualTo("10.78.0.0/25");
        assertThat(sync(HOST_2).network().hostSubnet()).isEqualTo("10.78.0.128/25");

        SyncResponse third = sync(HOST_3);
        assertThat(third.network()).isNull();
        assertThat(third.tasks()).isEmpty();
        assertThat(controlPlane.hosts().find("host-3").host().taskSubnet()).isNull();

        // a removed host's slice goes to the next host that asks
        controlPlane.hosts().remove("host-1", false);
        assertThat(sync(HOST_3).network().hostSubnet()).isEqualTo("10.78.0.0/25");
    }

    @Test
    void afterTheTaskCidrChangedAHostMovesIntoItOnceItHoldsNoTask()
    {
        sync(HOST_1);
        sync(HOST_2);
        controlPlane.hosts().cordon("host-1");
        String taskId = runTask();
        assertThat(sync(HOST_2).tasks()).extracting(assignment -> assignment.taskId()).containsExactly(taskId);

        controlPlane.close();
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock)
                .withTaskAddressPlan(TaskAddressPlan.of("10.79.0.0/16", 24)));
        gateway = controlPlane.agentGateway();
        NetworkPlan idle = sync(HOST_1).network();
        assertThat(idle.taskCidr()).isEqualTo("10.79.0.0/16");
        assertThat(idle.hostSubnet()).isEqualTo("10.79.0.0/24");
        // host-2's task keeps its address until it stops
        assertThat(sync(HOST_2).network().hostSubnet()).isEqualTo("10.77.1.0/24");

        ecs = new EcsClient(controlPlane, tenant);
        ecs.call("StopTask", "{\"task\": \"" + taskId + "\"}");
        Instant now = clock.instant();
        sync(HOST_2, new TaskReport(taskId, TaskReport.Status.STOPPED, null, null, null, now, null, null, List.of()));
        assertThat(sync(HOST_2).network().hostSubnet()).isEqualTo("10.79.1.0/24");
    }

    private String runTask()
    {
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}").get("tasks").get(0).get("taskArn").asText();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    /** A task of the current client's account placed on the host. */
    private String runTask(String hostId)
    {
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\", "
                + "\"placementConstraints\": [{\"type\": \"memberOf\", \"expression\": \"instanceId == " + hostId + "\"}]}").get("tasks").get(0).get("taskArn").asText();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private SyncResponse sync(HostInfo host, TaskReport... reports)
    {
        return gateway.sync(new SyncRequest(host, List.of(reports)));
    }
}
