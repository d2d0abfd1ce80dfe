package io.berth.common.agentprotocol;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The task network as the control plane lays it out for one host: the address space of the whole cluster, this
 * host's own slice of it (its tasks' addresses come from there), how hosts are linked, the other hosts to link
 * to, every task address in the cluster with the account that owns it (so the host keeps accounts apart on
 * traffic that crosses hosts), the accounts whose egress the operator restricted, and the host services tasks
 * may still reach (the control plane's API, as "ADDRESS:PORT").
 *
 * @param egress account id to its policy; an account that is not listed may reach anywhere outside the cluster
 */
public record NetworkPlan(
        String taskCidr,
        String hostSubnet,
        HostLinkSettings link,
        List<NetworkPeer> peers,
        List<TaskEndpoint> endpoints,
        Map<String, EgressPolicy> egress,
        List<String> reachableServices)
{
    public NetworkPlan
    {
        requireNonNull(taskCidr, "taskCidr is null");
        requireNonNull(hostSubnet, "hostSubnet is null");
        requireNonNull(link, "link is null");
        peers = peers == null ? List.of() : List.copyOf(peers);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        egress = egress == null ? Map.of() : Map.copyOf(egress);
        reachableServices = reachableServices == null ? List.of() : List.copyOf(reachableServices);
    }

    /** This plan with other endpoints (none: a plan that travels with their changes instead). */
    public NetworkPlan withEndpoints(List<TaskEndpoint> newEndpoints)
    {
        return new NetworkPlan(taskCidr, hostSubnet, link, peers, newEndpoints, egress, reachableServices);
    }
}
