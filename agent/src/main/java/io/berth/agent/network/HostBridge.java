package io.berth.agent.network;

import io.berth.common.network.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The agent's bridge, which carries the tasks' gateway (the slice's first host address), and the MTU tasks get.
 * The bridge is made here before any task exists, so host services can listen on the gateway from the plan's
 * arrival; the CNI bridge plugin adopts a bridge that already has the gateway address.
 *
 * <p>The bridge's MAC address is set, never left to the kernel: a bridge whose address was not set takes the lowest
 * MAC of its ports, so it changes whenever a task's veth with a lower one comes or goes. The tasks' ARP caches still
 * name the old gateway MAC; the kernel drops what they send to it (addressed to another host), and a task loses its
 * gateway until its cache entry expires, up to a minute.
 */
final class HostBridge
{
    private static final Logger log = LoggerFactory.getLogger(HostBridge.class);
    private static final int MAX_UNDERLAY_MTU = 1500;

    private final String name;
    private final NetworkCommands commands;
    /** Whether this agent has set the bridge's address; a bridge made by an earlier agent may lack it. */
    private volatile boolean addressPinned;

    HostBridge(String name, NetworkCommands commands)
    {
        this.name = requireNonNull(name, "name is null");
        this.commands = requireNonNull(commands, "commands is null");
    }

    void ensure(Ipv4Cidr slice, int mtu)
            throws NetworkException
    {
        String gateway = slice.firstHost();
        if (!commands.linkExists(name)) {
            commands.run("create the bridge " + name, List.of(NetworkCommands.IP, "link", "add", name, "address", macAddress(slice), "mtu", Integer.toString(mtu), "type", "bridge"));
            addressPinned = true;
            log.info("bridge {} created", name);
        }
        else if (!addressPinned) {
            pinCurrentAddress();
        }
        String addresses = commands.run("read the addresses of " + name, List.of(NetworkCommands.IP, "-4", "-o", "addr", "show", "dev", name));
        if (!addresses.contains(" " + gateway + "/" + slice.prefix() + " ")) {
            if (!addresses.isBlank()) {
                // the gateway of an earlier slice (the plan refuses to move a host that still has tasks)
                commands.run("remove the old addresses of " + name, List.of(NetworkCommands.IP, "-4", "addr", "flush", "dev", name));
            }
            commands.run("give the bridge " + name + " the address " + gateway, List.of(NetworkCommands.IP, "addr", "replace", gateway + "/" + slice.prefix(), "dev", name));
        }
        commands.run("set the bridge " + name + " up", List.of(NetworkCommands.IP, "link", "set", name, "up"));
    }

    void remove()
            throws NetworkException
    {
        if (commands.linkExists(name)) {
            commands.run("delete the bridge " + name, List.of(NetworkCommands.IP, "link", "delete", name, "type", "bridge"));
            log.info("bridge {} removed", name);
        }
        addressPinned = false;
    }

    /**
     * Locally administered (02:), then 63 for a Berth bridge (62 is its VXLAN devices'), then the four bytes of the
     * gateway: one per host's slice, and the same after the bridge is made again.
     */
    static String macAddress(Ipv4Cidr slice)
    {
        return BerthMacAddresses.of(BerthMacAddresses.TASK_BRIDGE, Ipv4Cidr.parseAddress(slice.firstHost()));
    }

    /**
     * Sets a bridge made without an address (by an earlier Berth) to the address it has now: the tasks' caches keep
     * naming the right gateway, and the address no longer follows its ports.
     */
    private void pinCurrentAddress()
            throws NetworkException
    {
        String link = commands.run("read the bridge " + name, List.of(NetworkCommands.IP, "-o", "link", "show", "dev", name));
        Optional<String> current = NetworkCommands.wordAfter(link, "link/ether");
        if (current.isEmpty()) {
            throw new NetworkException("cannot tell the MAC address of the bridge " + name + ": " + link);
        }
        commands.run("fix the MAC address of the bridge " + name, List.of(NetworkCommands.IP, "link", "set", "dev", name, "address", current.get()));
        addressPinned = true;
    }

    /**
     * min(underlay MTU, 1500) less the VXLAN overhead, so a task's full-size packet still fits the link to
     * another host. The underlay interface is the one towards a peer, else the one holding this host's address,
     * else the default route's; read with `ip`, not /sys (an agent that entered its namespace with nsenter sees
     * the sysfs of another).
     */
    int taskMtu(Optional<String> peerAddress, String underlayAddress)
            throws NetworkException
    {
        Optional<String> device = Optional.empty();
        if (peerAddress.isPresent()) {
            device = NetworkCommands.wordAfter(quietly(List.of(NetworkCommands.IP, "-o", "route", "get", peerAddress.get())), "dev");
        }
        if (device.isEmpty() && underlayAddress != null) {
            String line = quietly(List.of(NetworkCommands.IP, "-o", "-4", "addr", "show", "to", underlayAddress + "/32"));
            String[] words = line.strip().split("\\s+");
            device = words.length > 1 ? Optional.of(words[1]) : Optional.empty();
        }
        if (device.isEmpty()) {
            device = NetworkCommands.wordAfter(quietly(List.of(NetworkCommands.IP, "-o", "-4", "route", "show", "default")), "dev");
        }
        int underlay = MAX_UNDERLAY_MTU;
        if (device.isPresent()) {
            underlay = commands.linkMtu(device.get()).orElse(MAX_UNDERLAY_MTU);
        }
        return Math.min(underlay, MAX_UNDERLAY_MTU) - VxlanHostLinks.OVERHEAD;
    }

    private String quietly(List<String> command)
            throws NetworkException
    {
        var output = commands.attempt("look up the underlay interface", command, null);
        return output.succeeded() ? output.stdout().lines().findFirst().orElse("") : "";
    }
}
