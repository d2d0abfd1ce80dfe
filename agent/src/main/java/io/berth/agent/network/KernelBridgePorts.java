package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.userns.LinuxSyscalls;
import io.berth.common.json.Json;
import io.berth.common.network.Ipv4Cidr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Bridge ports made by this process, with what the CNI bridge plugin (isGateway, no NAT) and host-local IPAM did in two
 * processes per task: an address taken from {@link HostLocalAddresses} (the plugin's own files), then on a platform
 * thread of its own, with a deadline, a veth pair made by one netlink request of the host's namespace with its task
 * end made straight in the task's namespace, and there the address and the default route through the gateway. The
 * task's MAC follows from its address ({@link BerthMacAddresses#TASK_INTERFACE}): an address that comes again to
 * another task comes with the same MAC, so no neighbour's cache names a gone one. The host side is named as the plugin
 * names it ("veth" and eight random hex digits): a namespace's removal takes its veth with it a moment later, so a
 * name made from the address could still be taken. A failed make gives the address back and leaves no veth.
 */
final class KernelBridgePorts
        implements BridgePorts
{
    private static final String INTERFACE = CniBridgeConfigs.INTERFACE;
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String bridgeName;
    private final CniBridgeConfigs results;
    private final HostLocalAddresses addresses;
    private final Duration deadline;
    private volatile boolean forwarding;

    /** @param deadline how long making or removing one port may take before the caller fails (the kernel step's thread undoes it later) */
    KernelBridgePorts(CniNetworkConfig config, Duration deadline)
    {
        this.bridgeName = config.bridgeName();
        this.results = new CniBridgeConfigs(config);
        // where the host-local plugin keeps a network's addresses: its dataDir, then the network's name
        this.addresses = new HostLocalAddresses(config.stateDirectory().resolve("ipam").resolve(config.networkName()));
        this.deadline = requireNonNull(deadline, "deadline is null");
    }

    @Override
    public JsonNode add(String owner, String namespacePath, String subnet, int mtu)
            throws NetworkException
    {
        Ipv4Cidr slice = Ipv4Cidr.parse(subnet);
        long gateway = Ipv4Cidr.parseAddress(slice.firstHost());
        ensureForwarding();
        long address = addresses.take(slice, owner, INTERFACE);
        String hostName = "veth" + HexFormat.of().toHexDigits(RANDOM.nextInt());
        String mac = BerthMacAddresses.of(BerthMacAddresses.TASK_INTERFACE, address);
        Path namespace = Path.of(namespacePath);
        try {
            LinuxSyscalls.onThreadOfItsOwn("veth-" + namespace.getFileName(), "the veth of " + namespace, deadline,
                    () -> {
                        makePort(namespace, hostName, mtu, HexFormat.ofDelimiter(":").parseHex(mac), address, slice, gateway);
                        return hostName;
                    },
                    // the step's thread is in the task's namespace by then: the task's end takes the host's with it
                    made -> {
                        try (RouteNetlink inTask = RouteNetlink.open(namespacePath)) {
                            inTask.deleteLinkIfPresent(INTERFACE);
                        }
                    });
        }
        catch (IOException | RuntimeException e) {
            NetworkException failure = new NetworkException("cannot join " + namespace.getFileName() + " to the bridge " + bridgeName + ": " + e.getMessage(), e);
            // the address goes back at once: should a step past its deadline still make a veth with it, that veth is in
            // a namespace whose set-up failed, where no process of a task ever runs, and the step's thread removes it
            // when it is through
            try {
                addresses.release(Optional.of(Ipv4Cidr.formatAddress(address)), owner);
            }
            catch (NetworkException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        return result(hostName, mac, namespacePath, address, slice.prefix(), gateway);
    }

    @Override
    public void releaseAddress(String owner, String namespacePath, String subnet, JsonNode addResult)
            throws NetworkException
    {
        addresses.release(addressOf(addResult), owner);
    }

    @Override
    public void remove(String owner, String namespacePath, String subnet, int mtu, JsonNode addResult)
            throws NetworkException
    {
        Optional<String> hostName = addResult == null ? Optional.empty() : results.hostInterface(addResult);
        if (hostName.isPresent()) {
            try {
                LinuxSyscalls.onThreadOfItsOwn("veth-rm-" + hostName.get(), "the removal of the veth " + hostName.get(), deadline, () -> {
                    try (RouteNetlink host = RouteNetlink.open("the host")) {
                        host.deleteLinkIfPresent(hostName.get());
                    }
                    return hostName.get();
                }, removed -> {});
            }
            catch (IOException e) {
                throw new NetworkException("cannot remove the veth " + hostName.get() + " of " + Path.of(namespacePath).getFileName() + ": " + e.getMessage(), e);
            }
        }
        addresses.release(addressOf(addResult), owner);
    }

    /** On the step's own thread: opens a socket of the host's namespace, then enters the task's and opens one there. */
    private void makePort(Path namespace, String hostName, int mtu, byte[] mac, long address, Ipv4Cidr slice, long gateway)
            throws IOException
    {
        int taskNamespace = LinuxSyscalls.openReadOnly(namespace);
        try (RouteNetlink host = RouteNetlink.open("the host")) {
            int bridgeIndex = host.linkIndex(bridgeName).orElseThrow(() -> new IOException("the bridge " + bridgeName + " is missing"));
            // for good: this thread ends with the step (or after its undo, which needs the same namespace)
            LinuxSyscalls.enterNetworkNamespace(namespace);
            try (RouteNetlink inTask = RouteNetlink.open(namespace.toString())) {
                host.addVeth(hostName, mtu, bridgeIndex, INTERFACE, mac, taskNamespace);
                int index = inTask.linkIndex(INTERFACE).orElseThrow(() -> new IOException("the veth's end " + INTERFACE + " did not come to " + namespace));
                inTask.setUp(index);
                inTask.addAddress(index, address, slice.prefix(), slice.lastAddress());
                inTask.addDefaultRoute(index, gateway);
            }
        }
        finally {
            LinuxSyscalls.close(taskNamespace);
        }
    }

    /** The bridge plugin with isGateway turns on IPv4 forwarding, which the links to the other hosts need; so does this. */
    private void ensureForwarding()
            throws NetworkException
    {
        if (forwarding) {
            return;
        }
        try {
            if (!Files.readString(IP_FORWARD, StandardCharsets.US_ASCII).strip().equals("1")) {
                Files.writeString(IP_FORWARD, "1", StandardCharsets.US_ASCII);
            }
            forwarding = true;
        }
        catch (IOException e) {
            throw new NetworkException("cannot turn on IPv4 forwarding (" + IP_FORWARD + "): " + e.getMessage(), e);
        }
    }

    /** The result as the bridge plugin gives it: the bridge, the host's veth, the task's; the address on the task's. */
    private ObjectNode result(String hostName, String mac, String namespacePath, long address, int prefix, long gateway)
    {
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("cniVersion", "1.0.0");
        var interfaces = result.putArray("interfaces");
        interfaces.addObject().put("name", bridgeName);
        interfaces.addObject().put("name", hostName);
        interfaces.addObject().put("name", INTERFACE).put("mac", mac).put("sandbox", namespacePath);
        result.putArray("ips").addObject()
                .put("interface", 2)
                .put("address", Ipv4Cidr.formatAddress(address) + "/" + prefix)
                .put("gateway", Ipv4Cidr.formatAddress(gateway));
        result.putArray("routes").addObject().put("dst", "0.0.0.0/0").put("gw", Ipv4Cidr.formatAddress(gateway));
        return result;
    }

    /** The task's address in a result ("a.b.c.d/n"), without its prefix. */
    private static Optional<String> addressOf(JsonNode addResult)
    {
        return addResult == null ? Optional.empty() : CniBridgeConfigs.ipv4Entry(addResult)
                .map(ip -> ip.path("address").asText())
                .map(address -> address.substring(0, address.indexOf('/')));
    }
}
