package io.berth.agent.network;

import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.network.Ipv4Cidr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a VXLAN device needs per peer, flannel-style: a route to the peer's slice via the peer's slice network
 * address (onlink), a permanent neighbour entry that gives that address the peer's MAC, and a forwarding entry
 * that sends frames for that MAC to the peer's underlay address. MACs derive from the slice, so every host
 * computes the same one for a peer without asking it. Pure: given what the device holds and the peers wanted,
 * it returns the commands that converge the one on the other.
 */
final class VxlanPeerEntries
{
    private VxlanPeerEntries() {}

    /**
     * What the device holds now, as read back from the kernel.
     *
     * @param forwarding MAC to the underlay address frames for it are sent to
     */
    record Current(Set<String> routes, Set<String> neighbours, Map<String, String> forwarding)
    {
        Current
        {
            routes = Set.copyOf(routes);
            neighbours = Set.copyOf(neighbours);
            forwarding = Map.copyOf(forwarding);
        }
    }

    /** Locally administered (02:), then 62 for Berth, then the four bytes of the slice's network address. */
    static String macAddress(Ipv4Cidr slice)
    {
        return BerthMacAddresses.of(BerthMacAddresses.VXLAN_DEVICE, slice.network());
    }

    /** Commands that remove entries of peers that left, then place the entries a wanted peer lacks (or has wrong). */
    static List<List<String>> commands(String device, Current current, List<NetworkPeer> peers)
    {
        Set<String> wantedRoutes = new HashSet<>();
        Set<String> wantedNeighbours = new HashSet<>();
        Set<String> wantedMacs = new HashSet<>();
        List<List<String>> additions = new ArrayList<>();
        for (NetworkPeer peer : peers) {
            Ipv4Cidr slice = Ipv4Cidr.parse(peer.hostSubnet());
            String via = slice.networkAddress();
            String mac = macAddress(slice);
            wantedRoutes.add(slice.toString());
            wantedNeighbours.add(via);
            wantedMacs.add(mac);
            if (!peer.underlayAddress().equals(current.forwarding().get(mac))) {
                additions.add(List.of(NetworkCommands.BRIDGE, "fdb", "replace", mac, "dev", device, "dst", peer.underlayAddress(), "self", "permanent"));
            }
            // neighbour and route carry nothing that can change for a slice: present is right
            if (!current.neighbours().contains(via)) {
                additions.add(List.of(NetworkCommands.IP, "neigh", "replace", via, "lladdr", mac, "dev", device, "nud", "permanent"));
            }
            if (!current.routes().contains(slice.toString())) {
                additions.add(List.of(NetworkCommands.IP, "route", "replace", slice.toString(), "via", via, "dev", device, "onlink"));
            }
        }
        List<List<String>> commands = new ArrayList<>();
        current.routes().stream().filter(route -> !wantedRoutes.contains(route)).sorted()
                .forEach(route -> commands.add(List.of(NetworkCommands.IP, "route", "del", route, "dev", device)));
        current.neighbours().stream().filter(address -> !wantedNeighbours.contains(address)).sorted()
                .forEach(address -> commands.add(List.of(NetworkCommands.IP, "neigh", "del", address, "dev", device)));
        current.forwarding().keySet().stream().filter(mac -> !wantedMacs.contains(mac)).sorted()
                .forEach(mac -> commands.add(List.of(NetworkCommands.BRIDGE, "fdb", "del", mac, "dev", device, "self")));
        commands.addAll(additions);
        return commands;
    }

    /** The destinations of `ip -o -4 route show dev X` lines ("10.213.4.0/24 via 10.213.4.0 onlink"). */
    static Set<String> parseRoutes(String output)
    {
        Set<String> routes = new HashSet<>();
        for (String line : output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            String destination = line.split("\\s+")[0];
            if (destination.contains("/")) {
                routes.add(destination);
            }
        }
        return routes;
    }

    /** The addresses of `ip -4 neigh show dev X` lines ("10.213.4.0 lladdr 02:62:0a:d5:04:00 PERMANENT"). */
    static Set<String> parseNeighbours(String output)
    {
        Set<String> neighbours = new HashSet<>();
        for (String line : output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            neighbours.add(line.split("\\s+")[0]);
        }
        return neighbours;
    }

    /** MAC to remote of `bridge fdb show dev X` lines that send to a remote ("02:62:0a:d5:04:00 dst 10.0.0.2 self permanent"). */
    static Map<String, String> parseForwarding(String output)
    {
        Map<String, String> forwarding = new HashMap<>();
        for (String line : output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            String[] words = line.split("\\s+");
            if (words.length > 2 && words[1].equals("dst")) {
                forwarding.put(words[0], words[2]);
            }
        }
        return forwarding;
    }
}
