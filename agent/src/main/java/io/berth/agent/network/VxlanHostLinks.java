package io.berth.agent.network;

import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.network.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Links between hosts as flannel's VXLAN backend makes them, at layer 3: one VXLAN device per agent with no
 * learning; each peer's slice is routed to a neighbour address whose MAC the forwarding table maps to the
 * peer's underlay address (see {@link VxlanPeerEntries}). The device exists only while there are peers, so two
 * single-host Berths on one machine never contend for the same segment id and port.
 */
final class VxlanHostLinks
        implements HostLinks
{
    private static final Logger log = LoggerFactory.getLogger(VxlanHostLinks.class);
    /** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14) headers. */
    static final int OVERHEAD = 50;

    private final String device;
    private final String underlayAddress;
    private final NetworkCommands commands;

    /**
     * @param underlayAddress this host's address the peers send to; null takes the source address of the route
     * towards the first peer
     */
    VxlanHostLinks(String bridgeName, String underlayAddress, NetworkCommands commands)
    {
        this.device = deviceName(requireNonNull(bridgeName, "bridgeName is null"));
        this.underlayAddress = underlayAddress;
        this.commands = requireNonNull(commands, "commands is null");
    }

    /** bridge + ".vx" when that fits the kernel's 15 characters, otherwise "vx" + a hash of the bridge name. */
    static String deviceName(String bridgeName)
    {
        String name = bridgeName + ".vx";
        if (name.length() <= 15) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bridgeName.getBytes(StandardCharsets.UTF_8));
            return "vx" + HexFormat.of().formatHex(hash, 0, 5);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void update(HostLinkSettings link, Ipv4Cidr hostSubnet, List<NetworkPeer> peers)
            throws NetworkException
    {
        if (!HostLinkSettings.VXLAN.equals(link.kind())) {
            throw new NetworkException("this agent links hosts with " + HostLinkSettings.VXLAN + " only, the control plane asks for " + link.kind());
        }
        if (peers.isEmpty()) {
            remove();
            return;
        }
        ensureDevice(link, hostSubnet, peers.getFirst().underlayAddress());
        VxlanPeerEntries.Current current = new VxlanPeerEntries.Current(
                VxlanPeerEntries.parseRoutes(commands.run("list the routes of " + device, List.of(NetworkCommands.IP, "-o", "-4", "route", "show", "dev", device))),
                VxlanPeerEntries.parseNeighbours(commands.run("list the neighbours of " + device, List.of(NetworkCommands.IP, "-4", "neigh", "show", "dev", device))),
                VxlanPeerEntries.parseForwarding(commands.run("list the forwarding entries of " + device, List.of(NetworkCommands.BRIDGE, "fdb", "show", "dev", device))));
        for (List<String> command : VxlanPeerEntries.commands(device, current, peers)) {
            commands.run("update the peers of " + device + " (" + String.join(" ", command.subList(1, command.size())) + ")", command);
        }
    }

    @Override
    public String deviceName()
    {
        return device;
    }

    @Override
    public void remove()
            throws NetworkException
    {
        if (commands.linkExists(device)) {
            // its routes, neighbours and forwarding entries go with it
            commands.run("delete the host link " + device, List.of(NetworkCommands.IP, "link", "delete", device));
            log.info("host link {} removed: no peers", device);
        }
    }

    /** Makes the device, or makes it again when its segment, port or local address differ from the plan's. */
    private void ensureDevice(HostLinkSettings link, Ipv4Cidr hostSubnet, String anyPeer)
            throws NetworkException
    {
        String route = commands.run("find the route to peer " + anyPeer, List.of(NetworkCommands.IP, "-o", "route", "get", anyPeer));
        String local = underlayAddress != null ? underlayAddress : NetworkCommands.wordAfter(route, "src")
                .orElseThrow(() -> new NetworkException("cannot tell this host's address towards peer " + anyPeer + ": " + route));
        String underlayDevice = NetworkCommands.wordAfter(route, "dev")
                .orElseThrow(() -> new NetworkException("cannot tell the interface towards peer " + anyPeer + ": " + route));
        String mac = VxlanPeerEntries.macAddress(hostSubnet);
        if (commands.linkExists(device)) {
            String details = commands.run("read the host link " + device, List.of(NetworkCommands.IP, "-d", "-o", "link", "show", "dev", device));
            boolean same = details.contains(" id " + link.segmentId() + " ") && details.contains(" local " + local + " ")
                    && details.contains(" dstport " + link.port() + " ") && details.contains(" link/ether " + mac + " ");
            if (same) {
                commands.run("give " + device + " its address", List.of(NetworkCommands.IP, "addr", "replace", hostSubnet.networkAddress() + "/32", "dev", device));
                return;
            }
            commands.run("delete the outdated host link " + device, List.of(NetworkCommands.IP, "link", "delete", device));
        }
        int mtu = commands.linkMtu(underlayDevice).orElse(1500) - OVERHEAD;
        commands.run("create the host link " + device, List.of(NetworkCommands.IP, "link", "add", device, "address", mac, "mtu", Integer.toString(mtu),
                "type", "vxlan", "id", Integer.toString(link.segmentId()), "dstport", Integer.toString(link.port()), "local", local, "dev", underlayDevice, "nolearning",
                // the outer UDP checksum adds nothing on top of the inner packets' own checksums and costs CPU on every packet
                "noudpcsum"));
        commands.run("give " + device + " its address", List.of(NetworkCommands.IP, "addr", "replace", hostSubnet.networkAddress() + "/32", "dev", device));
        commands.run("set " + device + " up", List.of(NetworkCommands.IP, "link", "set", device, "up"));
        log.info("host link {} created: VXLAN segment {} on port {} from {} via {}", device, link.segmentId(), link.port(), local, underlayDevice);
    }
}
