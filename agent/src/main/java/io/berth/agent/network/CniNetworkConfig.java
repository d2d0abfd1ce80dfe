package io.berth.agent.network;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How an agent's task network is laid out. Each agent on a machine needs its own bridge name, subnet and
 * state directory (the address allocations live there), so that agents never hand out the same address
 * or tear down each other's namespaces.
 *
 * @param stateDirectory the agent's own directory for the address allocations and per-task network state
 * @param pluginDirectory where the CNI plugin binaries are (Debian: /usr/lib/cni)
 * @param bridgeName the Linux bridge the tasks' interfaces attach to, at most 15 characters
 * @param subnet the IPv4 range tasks get addresses from, in CIDR form (e.g. 10.213.0.0/16)
 */
public record CniNetworkConfig(Path stateDirectory, Path pluginDirectory, String bridgeName, String subnet)
{
    public static final Path DEFAULT_PLUGIN_DIRECTORY = Path.of("/usr/lib/cni");
    public static final String DEFAULT_BRIDGE = "berth0";
    /** Far from Docker's 172.17/16, Podman's 10.88/16 and Kubernetes' usual 10.96/12 and 10.244/16. */
    public static final String DEFAULT_SUBNET = "10.213.0.0/16";

    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    public CniNetworkConfig
    {
        requireNonNull(stateDirectory, "stateDirectory is null");
        requireNonNull(pluginDirectory, "pluginDirectory is null");
        checkBridgeName(bridgeName);
        checkSubnet(subnet);
    }

    public static CniNetworkConfig defaults(Path stateDirectory)
    {
        return new CniNetworkConfig(stateDirectory, DEFAULT_PLUGIN_DIRECTORY, DEFAULT_BRIDGE, DEFAULT_SUBNET);
    }

    /** The CNI network's name: it names the address allocation directory and the firewall rules' comments. */
    public String networkName()
    {
        return "berth-" + bridgeName;
    }

    public static void checkBridgeName(String bridgeName)
    {
        if (bridgeName == null || !BRIDGE_NAME.matcher(bridgeName).matches()) {
            throw new IllegalArgumentException("invalid bridge name '" + bridgeName + "': use 1 to 15 letters, digits, '_', '.' or '-'");
        }
    }

    /** Accepts an IPv4 network in CIDR form with a prefix from /8 to /28 and no host bits set. */
    public static void checkSubnet(String subnet)
    {
        String problem = "invalid subnet '" + subnet + "': use an IPv4 network in CIDR form with a prefix from /8 to /28, e.g. " + DEFAULT_SUBNET;
        var matcher = subnet == null ? null : CIDR.matcher(subnet);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException(problem);
        }
        long address = 0;
        for (int octet = 1; octet <= 4; octet++) {
            int value = Integer.parseInt(matcher.group(octet));
            if (value > 255) {
                throw new IllegalArgumentException(problem);
            }
            address = (address << 8) | value;
        }
        int prefix = Integer.parseInt(matcher.group(5));
        if (prefix < 8 || prefix > 28) {
            throw new IllegalArgumentException(problem);
        }
        long hostMask = (1L << (32 - prefix)) - 1;
        if ((address & hostMask) != 0) {
            throw new IllegalArgumentException("invalid subnet '" + subnet + "': the address has host bits set; use the network's first address, e.g. "
                    + toDotted(address & ~hostMask & 0xFFFFFFFFL) + "/" + prefix);
        }
    }

    private static String toDotted(long address)
    {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }
}
