package io.berth.controlplane.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.tasks.Task;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What the network plans are made from, read in one transaction: the address plan, every host, every task that
 * is placed and not STOPPED, the accounts with a restricted egress, and the control plane's API addresses
 * ("ADDRESS:PORT") that tasks may reach.
 */
public record NetworkSnapshot(TaskAddressPlan addressPlan, List<Host> hosts, List<Task> tasks, Map<String, EgressPolicy> egress, List<String> reachableServices)
{
    public NetworkSnapshot
    {
        requireNonNull(addressPlan, "addressPlan is null");
        hosts = List.copyOf(hosts);
        tasks = List.copyOf(tasks);
        egress = Map.copyOf(egress);
        reachableServices = List.copyOf(reachableServices);
    }
}
