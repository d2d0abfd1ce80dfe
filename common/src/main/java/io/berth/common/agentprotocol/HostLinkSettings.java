package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * How the hosts of one cluster are linked: the kind of link ("vxlan" here; an encrypted kind such as
 * "wireguard" where the kernel has it), the segment id every host uses (the VXLAN network identifier) and the
 * UDP port the link's packets travel on between hosts' underlay addresses.
 */
public record HostLinkSettings(String kind, int segmentId, int port)
{
    public static final String VXLAN = "vxlan";
    public static final int DEFAULT_VXLAN_PORT = 4789;

    public HostLinkSettings
    {
        requireNonNull(kind, "kind is null");
        if (segmentId < 1 || segmentId > 0xFFFFFF) {
            throw new IllegalArgumentException("link segment id out of range (1 to 16777215): " + segmentId);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("link port out of range: " + port);
        }
    }
}
