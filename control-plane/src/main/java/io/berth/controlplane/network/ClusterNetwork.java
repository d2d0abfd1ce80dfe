package io.berth.controlplane.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.EndpointChanges;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.store.StoreTransaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The parts of the network plan that every host's plan shares, built once from a snapshot: the hosts by id (each plan
 * takes its host's slice from them), every peer, every task endpoint and the restricted egress. A host's plan is these
 * less itself among the peers, so one of these serves every sync until the cluster's network changes; its lists are
 * then the same instances in every plan (which lets the sync answer version the endpoints once, not once a sync).
 */
record ClusterNetwork(Map<String, Host> hostsById, List<NetworkPeer> peers, List<TaskEndpoint> endpoints, Map<String, EgressPolicy> egress)
{
    ClusterNetwork
    {
        hostsById = Map.copyOf(hostsById);
        peers = List.copyOf(peers);
        endpoints = List.copyOf(endpoints);
        egress = Map.copyOf(egress);
    }

    static ClusterNetwork of(NetworkSnapshot snapshot)
    {
        requireNonNull(snapshot, "snapshot is null");
        return new ClusterNetwork(
                snapshot.hosts().stream().collect(Collectors.toMap(Host::hostId, Function.identity(), (first, second) -> first)),
                NetworkPlanBuilder.peers(snapshot.hosts()),
                NetworkPlanBuilder.endpoints(snapshot.tasks()),
                snapshot.egress());
    }

    /**
     * This network with the task endpoints a committed transaction made appear, go away or move: the list stays in the
     * order {@link NetworkPlanBuilder#endpoints} gives, as if built again from the tasks.
     */
    ClusterNetwork withEndpointChanges(List<StoreTransaction.EndpointChange> changes)
    {
        List<TaskEndpoint> changed = new ArrayList<>(endpoints);
        for (StoreTransaction.EndpointChange change : changes) {
            if (change.before() != null) {
                EndpointChanges.removeSorted(changed, change.before());
            }
            if (change.after() != null) {
                EndpointChanges.insertSorted(changed, change.after());
            }
        }
        return new ClusterNetwork(hostsById, peers, changed, egress);
    }

    Optional<Host> host(String hostId)
    {
        return Optional.ofNullable(hostsById.get(hostId));
    }
}
