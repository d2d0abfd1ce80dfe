package io.berth.controlplane.network;

import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.tasks.Task;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The network plan one host receives in its sync answer, as a pure function of a snapshot. Peers are the other
 * hosts that can be linked to: they hold a slice, announced an underlay address and are not LOST (a lost host's
 * tasks are recorded STOPPED, and traffic to its slice would go nowhere). Endpoints are every task in the
 * cluster, on any host, that has an address and is not STOPPED, with its account, so each host can keep
 * accounts apart on traffic from other hosts too.
 */
public final class NetworkPlanBuilder
{
    /** The order of a plan's endpoints: by address, then account (the agent applies changes to its list in it). */
    static final Comparator<TaskEndpoint> ENDPOINT_ORDER = EndpointChanges.ORDER;

    private NetworkPlanBuilder() {}

    /** The plan for hostId; empty while the host has no slice (it is then told of no network). */
    public static Optional<NetworkPlan> planFor(String hostId, NetworkSnapshot snapshot)
    {
        return planFor(hostId, snapshot.addressPlan(), ClusterNetwork.of(snapshot), snapshot.reachableServices());
    }

    /** The plan for hostId from the parts every host's plan shares; empty while the host has no slice. */
    static Optional<NetworkPlan> planFor(String hostId, TaskAddressPlan addressPlan, ClusterNetwork cluster, List<String> reachableServices)
    {
        Optional<Host> host = cluster.host(hostId);
        if (host.isEmpty() || host.get().taskSubnet() == null) {
            return Optional.empty();
        }
        return Optional.of(new NetworkPlan(
                addressPlan.taskCidr().toString(),
                host.get().taskSubnet(),
                addressPlan.link(),
                cluster.peers().stream().filter(peer -> !peer.hostId().equals(hostId)).toList(),
                cluster.endpoints(),
                cluster.egress(),
                reachableServices));
    }

    /** Every host that can be linked to, in host id order (each host's plan leaves itself out). */
    static List<NetworkPeer> peers(List<Host> hosts)
    {
        return hosts.stream()
                .filter(host -> host.taskSubnet() != null)
                .filter(host -> host.info().address() != null && !host.info().address().isBlank())
                .filter(host -> host.state() != HostState.LOST)
                .sorted(Comparator.comparing(Host::hostId))
                .map(host -> new NetworkPeer(host.hostId(), host.info().address(), host.taskSubnet()))
                .toList();
    }

    static List<TaskEndpoint> endpoints(List<Task> tasks)
    {
        return tasks.stream()
                .flatMap(task -> task.endpoint().stream())
                .sorted(ENDPOINT_ORDER)
                .toList();
    }
}
