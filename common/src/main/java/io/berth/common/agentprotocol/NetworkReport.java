package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * The task's own network as the host set it up: its address, the subnet it is in (CIDR, e.g.
 * 10.213.0.0/16), the gateway and the MAC address of its interface.
 */
public record NetworkReport(String privateIPv4Address, String subnet, String gateway, String macAddress)
{
    public NetworkReport
    {
        requireNonNull(privateIPv4Address, "privateIPv4Address is null");
        requireNonNull(subnet, "subnet is null");
    }
}
