package io.berth.agent.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.network.Ipv4Cidr;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Everything the tenant firewall of one host is made from: the plan's address space and policies, and the
 * identity of every task on this host (its host-side interface, MAC and address), which the host knows before
 * the control plane lists the task among the plan's endpoints.
 *
 * @param linkDevice the interface traffic from other hosts' tasks arrives on; empty when this host has no peers
 * @param metadataPort the task metadata endpoint's port on the gateway; 0 when it does not listen
 * @param peerUnderlayAddresses the other hosts' own addresses, which tasks may not reach
 * @param reachableServices host services tasks may reach over TCP, as "ADDRESS:PORT"
 * @param peerLinkAddresses the other hosts' own addresses on the task network (their link device's, the network
 * address of their slice): what their own processes (a load balancer, its health checks) reach tasks from
 * @param idlePorts host-side interfaces that pass nothing either way: warm network namespaces' that no task has yet, and
 * released tasks' that the kernel has not removed yet (their addresses may be other tasks' by now)
 */
record FirewallRules(
        String bridgeName,
        Optional<String> linkDevice,
        Ipv4Cidr taskCidr,
        Ipv4Cidr hostSubnet,
        int metadataPort,
        List<LocalTask> localTasks,
        List<TaskEndpoint> endpoints,
        List<String> peerUnderlayAddresses,
        Map<String, EgressPolicy> egress,
        List<String> reachableServices,
        List<String> peerLinkAddresses,
        List<String> idlePorts)
{
    private static final Pattern SERVICE = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");

    FirewallRules
    {
        CniNetworkConfig.checkBridgeName(bridgeName);
        requireNonNull(linkDevice, "linkDevice is null");
        requireNonNull(taskCidr, "taskCidr is null");
        requireNonNull(hostSubnet, "hostSubnet is null");
        if (metadataPort < 0 || metadataPort > 65535) {
            throw new IllegalArgumentException("metadataPort out of range: " + metadataPort);
        }
        localTasks = List.copyOf(localTasks);
        endpoints = List.copyOf(endpoints);
        peerUnderlayAddresses = List.copyOf(peerUnderlayAddresses);
        peerUnderlayAddresses.forEach(Ipv4Cidr::parseAddress);
        egress = Map.copyOf(egress);
        egress.values().forEach(policy -> policy.allowedCidrs().forEach(Ipv4Cidr::parse));
        reachableServices = List.copyOf(reachableServices);
        for (String service : reachableServices) {
            var matcher = SERVICE.matcher(service);
            if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535) {
                throw new IllegalArgumentException("invalid reachable service '" + service + "': use IPV4ADDRESS:PORT");
            }
            Ipv4Cidr.parseAddress(matcher.group(1));
        }
        endpoints.forEach(endpoint -> Ipv4Cidr.parseAddress(endpoint.ipv4Address()));
        peerLinkAddresses = List.copyOf(peerLinkAddresses);
        peerLinkAddresses.forEach(Ipv4Cidr::parseAddress);
        idlePorts = List.copyOf(idlePorts);
        idlePorts.forEach(LocalTask::checkInterface);
    }

    /** Rules with no warm network namespace waiting. */
    FirewallRules(String bridgeName, Optional<String> linkDevice, Ipv4Cidr taskCidr, Ipv4Cidr hostSubnet, int metadataPort, List<LocalTask> localTasks,
            List<TaskEndpoint> endpoints, List<String> peerUnderlayAddresses, Map<String, EgressPolicy> egress, List<String> reachableServices,
            List<String> peerLinkAddresses)
    {
        this(bridgeName, linkDevice, taskCidr, hostSubnet, metadataPort, localTasks, endpoints, peerUnderlayAddresses, egress, reachableServices, peerLinkAddresses, List.of());
    }

    /** Rules where no other host's own process reaches this host's tasks. */
    FirewallRules(String bridgeName, Optional<String> linkDevice, Ipv4Cidr taskCidr, Ipv4Cidr hostSubnet, int metadataPort, List<LocalTask> localTasks,
            List<TaskEndpoint> endpoints, List<String> peerUnderlayAddresses, Map<String, EgressPolicy> egress, List<String> reachableServices)
    {
        this(bridgeName, linkDevice, taskCidr, hostSubnet, metadataPort, localTasks, endpoints, peerUnderlayAddresses, egress, reachableServices, List.of());
    }

    /** The tasks' gateway on the bridge: the slice's first host address. */
    String gateway()
    {
        return hostSubnet.firstHost();
    }

    /** Names the host-side interfaces of this host's tasks with a name nft accepts as a string. */
    record LocalTask(String taskId, String accountId, String hostInterface, String macAddress, String ipv4Address)
    {
        private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
        private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

        LocalTask
        {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(accountId, "accountId is null");
            if (hostInterface == null || !INTERFACE.matcher(hostInterface).matches()) {
                throw new IllegalArgumentException("invalid host interface of task " + taskId + ": " + hostInterface);
            }
            if (macAddress == null || !MAC.matcher(macAddress.toLowerCase(java.util.Locale.ROOT)).matches()) {
                throw new IllegalArgumentException("invalid MAC address of task " + taskId + ": " + macAddress);
            }
            macAddress = macAddress.toLowerCase(java.util.Locale.ROOT);
            Ipv4Cidr.parseAddress(ipv4Address);
        }

        /** An interface name goes into an nft input: only the characters Linux allows and nft reads as a string. */
        static void checkInterface(String name)
        {
            if (name == null || !INTERFACE.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid host interface: " + name);
            }
        }
    }
}
