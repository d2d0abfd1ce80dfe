package io.berth.agent.network;

import io.berth.common.network.Ipv4Cidr;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How an agent's task network is laid out on its host. The addresses come from the control plane's plan (this
 * host's slice of the cluster's task CIDR); each agent on a machine needs its own bridge name and state
 * directory, so that agents never tear down each other's namespaces, links or firewall tables (all named
 * after the bridge).
 *
 * @param stateDirectory the agent's own directory for the address allocations, the plan and per-task network state
 * @param pluginDirectory where the CNI plugin binaries are (Debian: /usr/lib/cni)
 * @param bridgeName the Linux bridge the tasks' interfaces attach to, at most 15 characters
 * @param underlayAddress this host's address that other hosts' links end at (berth agent --advertise-address);
 * null takes the source address of the route towards the peers
 */
public record CniNetworkConfig(Path stateDirectory, Path pluginDirectory, String bridgeName, String underlayAddress)
{
    public static final Path DEFAULT_PLUGIN_DIRECTORY = Path.of("/usr/lib/cni");
    public static final String DEFAULT_BRIDGE = "berth0";
    /** The default task CIDR: far from Docker's 172.17/16, Podman's 10.88/16 and Kubernetes' usual 10.96/12 and 10.244/16. */
    public static final String DEFAULT_SUBNET = "10.213.0.0/16";

    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public CniNetworkConfig
    {
        requireNonNull(stateDirectory, "stateDirectory is null");
        requireNonNull(pluginDirectory, "pluginDirectory is null");
        checkBridgeName(bridgeName);
        if (underlayAddress != null) {
            Ipv4Cidr.parseAddress(underlayAddress);
        }
    }

    public CniNetworkConfig(Path stateDirectory, Path pluginDirectory, String bridgeName)
    {
        this(stateDirectory, pluginDirectory, bridgeName, null);
    }

    public static CniNetworkConfig defaults(Path stateDirectory)
    {
        return new CniNetworkConfig(stateDirectory, DEFAULT_PLUGIN_DIRECTORY, DEFAULT_BRIDGE, null);
    }

    /** The CNI network's name: it names the address allocation directory and the firewall tables. */
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

}
