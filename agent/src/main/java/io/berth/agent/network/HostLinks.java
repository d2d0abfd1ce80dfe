package io.berth.agent.network;

import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.network.Ipv4Cidr;

import java.util.List;

/**
 * The links from this host to the other hosts of the cluster, over which tasks on different hosts reach each
 * other by their own addresses, without NAT: traffic for a peer's slice goes to that peer. {@link VxlanHostLinks}
 * builds them from VXLAN, which every kernel of this project has; an encrypted kind (WireGuard, or IPsec in
 * transport mode) can take its place on kernels that have it, by implementing this interface for another
 * {@link HostLinkSettings#kind()}.
 */
interface HostLinks
{
    /**
     * Links this host (its slice hostSubnet) to exactly these peers: new ones are added, ones that left are
     * removed. Idempotent; with no peers nothing of the links remains.
     */
    void update(HostLinkSettings link, Ipv4Cidr hostSubnet, List<NetworkPeer> peers)
            throws NetworkException;

    /** The interface traffic from other hosts' tasks arrives on while there are peers. */
    String deviceName();

    /** Removes every link; nothing to remove is fine. */
    void remove()
            throws NetworkException;
}
