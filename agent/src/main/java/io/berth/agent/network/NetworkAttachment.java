package io.berth.agent.network;

import io.berth.common.agentprotocol.NetworkReport;

import static java.util.Objects.requireNonNull;

/**
 * A task's network as set up: the namespace its containers join, its address in the subnet (CIDR, e.g.
 * 10.213.0.0/16), the gateway, and the MAC address and name of its interface inside the namespace.
 */
public record NetworkAttachment(
        String networkNamespacePath,
        String ipv4Address,
        String subnet,
        String gateway,
        String macAddress,
        String interfaceName)
{
    public NetworkAttachment
    {
        requireNonNull(networkNamespacePath, "networkNamespacePath is null");
        requireNonNull(ipv4Address, "ipv4Address is null");
        requireNonNull(subnet, "subnet is null");
        requireNonNull(interfaceName, "interfaceName is null");
    }

    public NetworkReport toReport()
    {
        return new NetworkReport(ipv4Address, subnet, gateway, macAddress);
    }
}
