package io.berth.agent.network;

import java.util.Locale;

/**
 * The MAC addresses Berth gives its own links: locally administered (02:), a byte that says which kind of link, then
 * the four bytes of an IPv4 address of the host's slice, so every host computes the same address for a link without
 * asking, and it stays the same when the link is made again.
 */
final class BerthMacAddresses
{
    /** A host's VXLAN device, after its slice's network address. */
    static final int VXLAN_DEVICE = 0x62;
    /** A host's task bridge, after its gateway address. */
    static final int TASK_BRIDGE = 0x63;
    /** A task's interface, after its address. */
    static final int TASK_INTERFACE = 0x64;

    private BerthMacAddresses() {}

    static String of(int kind, long ipv4Address)
    {
        return String.format(Locale.ROOT, "02:%02x:%02x:%02x:%02x:%02x", kind,
                (ipv4Address >> 24) & 255, (ipv4Address >> 16) & 255, (ipv4Address >> 8) & 255, ipv4Address & 255);
    }
}
