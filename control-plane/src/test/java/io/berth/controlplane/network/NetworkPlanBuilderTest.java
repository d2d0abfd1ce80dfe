package io.berth.controlplane.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkPlanBuilderTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<String> API = List.of("192.0.2.1:8686");

    @Test
    void planHoldsTheHostsSliceTheLinkAndTheApi()
    {
        NetworkPlan plan = plan("h1", List.of(host("h1", "192.0.2.11", "10.213.0.0/24")), List.of(), Map.of());
        assertThat(plan.taskCidr()).isEqualTo("10.213.0.0/16");
        assertThat(plan.hostSubnet()).isEqualTo("10.213.0.0/24");
        assertThat(plan.link()).isEqualTo(TaskAddressPlan.DEFAULT.link());
        assertThat(plan.peers()).isEmpty();
        assertThat(plan.endpoints()).isEmpty();
        assertThat(plan.egress()).isEmpty();
        assertThat(plan.reachableServices()).isEqualTo(API);
    }

    @Test
    void hostWithoutASliceGetsNoPlan()
    {
        NetworkSnapshot snapshot = snapshot(List.of(host("h1", "192.0.2.11", null)), List.of(), Map.of());
        assertThat(NetworkPlanBuilder.planFor("h1", snapshot)).isEmpty();
        assertThat(NetworkPlanBuilder.planFor("unknown", snapshot)).isEmpty();
    }

    @Test
    void peersAreTheOtherHostsThatCanBeLinkedTo()
    {
        List<Host> hosts = List.of(
                host("h1", "192.0.2.11", "10.213.0.0/24"),
                host("h3", "192.0.2.13", "10.213.2.0/24"),
                host("h2", "192.0.2.12", "10.213.1.0/24"),
                host("no-slice", "192.0.2.14", null),
                host("no-address", null, "10.213.4.0/24"),
                lost(host("lost", "192.0.2.16", "10.213.5.0/24")),
                cordoned(host("cordoned", "192.0.2.17", "10.213.6.0/24")));
        assertThat(plan("h1", hosts, List.of(), Map.of()).peers()).containsExactly(
                new NetworkPeer("cordoned", "192.0.2.17", "10.213.6.0/24"),
                new NetworkPeer("h2", "192.0.2.12", "10.213.1.0/24"),
                new NetworkPeer("h3", "192.0.2.13", "10.213.2.0/24"));
    }

    @Test
    void endpointsAreEveryAddressedTaskThatIsNotStopped()
    {
        List<Host> hosts = List.of(host("h1", "192.0.2.11", "10.213.0.0/24"), host("h2", "192.0.2.12", "10.213.1.0/24"));
        List<Task> tasks = List.of(
                task("a", "h2", TaskStatus.RUNNING, "10.213.1.5"),
                task("b", "h1", TaskStatus.PENDING, "10.213.0.7"),
                task("a", "h1", TaskStatus.PROVISIONING, null),
                task("b", "h2", TaskStatus.STOPPED, "10.213.1.9"));
        assertThat(plan("h1", hosts, tasks, Map.of()).endpoints()).containsExactly(
                new TaskEndpoint("10.213.0.7", "b"),
                new TaskEndpoint("10.213.1.5", "a"));
    }

    @Test
    void egressListsTheRestrictedAccounts()
    {
        Map<String, EgressPolicy> egress = Map.of("a", EgressPolicy.denyAll(), "b", new EgressPolicy(List.of("192.0.2.0/24")));
        assertThat(plan("h1", List.of(host("h1", "192.0.2.11", "10.213.0.0/24")), List.of(), egress).egress()).isEqualTo(egress);
    }

    private static NetworkPlan plan(String hostId, List<Host> hosts, List<Task> tasks, Map<String, EgressPolicy> egress)
    {
        return NetworkPlanBuilder.planFor(hostId, snapshot(hosts, tasks, egress)).orElseThrow();
    }

    private static NetworkSnapshot snapshot(List<Host> hosts, List<Task> tasks, Map<String, EgressPolicy> egress)
    {
        return new NetworkSnapshot(TaskAddressPlan.DEFAULT, hosts, tasks, egress, API);
    }

    private static Host host(String hostId, String address, String taskSubnet)
    {
        return new Host(new HostInfo(hostId, address, 4096, 8192, Map.of()), T0, HostState.ACTIVE, null, null, Map.of(), taskSubnet);
    }

    private static Host lost(Host host)
    {
        return new Host(host.info(), host.lastHeartbeat(), host.operatorState(), T0, null, Map.of(), host.taskSubnet());
    }

    private static Host cordoned(Host host)
    {
        return new Host(host.info(), host.lastHeartbeat(), HostState.CORDONED, null, null, Map.of(), host.taskSubnet());
    }

    private static Task task(String accountId, String hostId, TaskStatus status, String address)
    {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        NetworkReport network = address == null ? null : new NetworkReport(address, "10.213.0.0/16", null, null);
        TaskState state = new TaskState(status, status == TaskStatus.STOPPED ? TaskStatus.STOPPED : TaskStatus.RUNNING, hostId, null, null, null, null, null,
                null, null, null, List.of(), 1, network);
        return new Task(accountId, taskId, "arn:aws:ecs:us-east-1:" + accountId + ":task/default/" + taskId, "default",
                "arn:aws:ecs:us-east-1:" + accountId + ":cluster/default", "arn:td", "family", 256, 512, TaskOverrides.NONE, null, null,
                "FARGATE", "1.4.0", "us-east-1a", Map.of(), T0, state, PlacementOptions.NONE);
    }
}
