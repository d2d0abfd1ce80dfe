package io.berth.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A private test network on this machine: a bridge with a host-side address, and hosts, each a network namespace
 * joined to the bridge by a veth pair, with its own address in 10.231.N.0/24 (N chosen free at random). Traffic
 * stays between this machine and the namespaces the test made. {@link #close()} removes namespaces, veths and
 * the bridge, and is safe to call after a partial setup.
 */
public final class TestNetwork
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TestNetwork.class);

    private final String suffix;
    private final String prefix;
    private final String bridge;
    private final List<NetnsHost> hosts = new ArrayList<>();
    private boolean bridgeCreated;

    private TestNetwork(String suffix, String prefix)
    {
        this.suffix = suffix;
        this.prefix = prefix;
        this.bridge = "btb" + suffix;
    }

    /** A network with hostCount hosts, named berth-t-SUFFIX-I. */
    public static TestNetwork create(int hostCount)
            throws IOException
    {
        SecureRandom random = new SecureRandom();
        String suffix = HexFormat.of().formatHex(random.generateSeed(3)).substring(0, 5);
        TestNetwork network = new TestNetwork(suffix, freePrefix(random));
        try {
            network.setUp(hostCount);
            return network;
        }
        catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** 10.231.N. for an N no interface of this machine has an address in. */
    private static String freePrefix(SecureRandom random)
            throws IOException
    {
        String addresses = ProcessRunner.run(List.of("ip", "-o", "-4", "addr", "show"));
        for (int attempt = 0; attempt < 50; attempt++) {
            String prefix = "10.231." + random.nextInt(1, 255) + ".";
            if (!addresses.contains(" " + prefix)) {
                return prefix;
            }
        }
        throw new IOException("no free 10.231.N.0/24 test network on this machine");
    }

    private void setUp(int hostCount)
            throws IOException
    {
        // a MAC of its own: a bridge left to the kernel follows its ports' lowest, and the hosts would lose the
        // machine's address for a while whenever a port with a lower one came or went
        String[] octets = hostAddress().split("\\.");
        String mac = String.format(java.util.Locale.ROOT, "02:64:%02x:%02x:%02x:%02x",
                Integer.parseInt(octets[0]), Integer.parseInt(octets[1]), Integer.parseInt(octets[2]), Integer.parseInt(octets[3]));
        ip("link", "add", bridge, "address", mac, "type", "bridge");
        bridgeCreated = true;
        ip("addr", "add", hostAddress() + "/24", "dev", bridge);
        ip("link", "set", bridge, "up");
        for (int i = 0; i < hostCount; i++) {
            String namespace = "berth-t-" + suffix + "-" + i;
            String hostSide = "bth" + suffix + i;
            String namespaceSide = "btn" + suffix + i;
            String address = prefix + (10 + i);
            ip("netns", "add", namespace);
            hosts.add(new NetnsHost(namespace, address, hostSide));
            ip("link", "add", hostSide, "type", "veth", "peer", "name", namespaceSide);
            ip("link", "set", hostSide, "master", bridge);
            ip("link", "set", hostSide, "up");
            ip("link", "set", namespaceSide, "netns", namespace);
            ip("-n", namespace, "addr", "add", address + "/24", "dev", namespaceSide);
            ip("-n", namespace, "link", "set", namespaceSide, "up");
            ip("-n", namespace, "link", "set", "lo", "up");
        }
        log.info("test network {}0/24: bridge {} at {}, hosts {}", prefix, bridge, hostAddress(), hosts);
    }

    /** The machine's own address on the network, which every host reaches. */
    public String hostAddress()
    {
        return prefix + "1";
    }

    /** The network's bridge, a link of the machine's own (root) network namespace. */
    public String bridgeName()
    {
        return bridge;
    }

    public List<NetnsHost> hosts()
    {
        return List.copyOf(hosts);
    }

    private static void ip(String... arguments)
            throws IOException
    {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(arguments));
        ProcessRunner.run(command);
    }

    @Override
    public void close()
    {
        for (NetnsHost host : hosts) {
            // deleting the namespace deletes the veth end inside it, and with it the pair
            quietly("ip", "netns", "delete", host.namespace());
            quietly("ip", "link", "delete", host.hostSideInterface());
        }
        hosts.clear();
        if (bridgeCreated) {
            quietly("ip", "link", "delete", bridge);
            bridgeCreated = false;
        }
    }

    private static void quietly(String... command)
    {
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        catch (IOException e) {
            log.warn("cleanup {} failed: {}", String.join(" ", command), e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
