package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/** Another host of the cluster: where its link ends (its underlay address) and the slice of task addresses behind it. */
public record NetworkPeer(String hostId, String underlayAddress, String hostSubnet)
{
    public NetworkPeer
    {
        requireNonNull(hostId, "hostId is null");
        requireNonNull(underlayAddress, "underlayAddress is null");
        requireNonNull(hostSubnet, "hostSubnet is null");
    }
}
