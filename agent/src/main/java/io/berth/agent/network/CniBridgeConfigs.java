package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.network.TaskNetworkStates.TaskNetworkState;
import io.berth.common.json.Json;
import io.berth.common.network.Ipv4Cidr;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The network configuration this agent gives the CNI bridge plugin (host-local IPAM on the host's slice; the
 * namespace's loopback is brought up with `ip`, without a plugin) and what it reads from the bridge plugin's result: the task's address and MAC, and the
 * host-side interface of its veth pair.
 */
final class CniBridgeConfigs
{
    static final String INTERFACE = "eth0";
    private static final String CNI_VERSION = "1.0.0";

    private final CniNetworkConfig config;

    CniBridgeConfigs(CniNetworkConfig config)
    {
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * @param subnet the host's slice, which host-local IPAM hands addresses out of (the gateway is its first)
     * @param mtu the tasks' MTU; 0 leaves the plugin's default
     * @param previousResult the ADD result, for DEL; null for ADD
     */
    ObjectNode bridge(String subnet, int mtu, JsonNode previousResult)
    {
        ObjectNode bridge = Json.mapper().createObjectNode();
        bridge.put("cniVersion", CNI_VERSION);
        bridge.put("name", config.networkName());
        bridge.put("type", "bridge");
        bridge.put("bridge", config.bridgeName());
        // isGateway also turns on IPv4 forwarding, which the links to other hosts need
        bridge.put("isGateway", true);
        // no NAT between tasks: the tenant firewall masquerades only traffic that leaves the task network
        bridge.put("ipMasq", false);
        if (mtu > 0) {
            bridge.put("mtu", mtu);
        }
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.putArray("ranges").addArray().addObject()
                .put("subnet", subnet)
                .put("gateway", Ipv4Cidr.parse(subnet).firstHost());
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        ipam.put("dataDir", config.stateDirectory().resolve("ipam").toAbsolutePath().toString());
        if (previousResult != null) {
            bridge.set("prevResult", previousResult);
        }
        return bridge;
    }

    /**
     * What the IPAM plugin reads to give a task's address back: the network's configuration with the IPAM plugin as
     * its type, as the bridge plugin's DEL hands it on (the plugin reads only the name and the ipam section).
     */
    ObjectNode addressRelease(String subnet, JsonNode previousResult)
    {
        ObjectNode config = bridge(subnet, 0, previousResult);
        config.put("type", config.path("ipam").path("type").asText());
        return config;
    }

    /** The bridge plugin's host-side veth: the interface of its result that is neither in the task's namespace nor the bridge. */
    Optional<String> hostInterface(JsonNode result)
    {
        for (JsonNode node : result.path("interfaces")) {
            String name = node.path("name").asText("");
            if (!node.hasNonNull("sandbox") && !name.isEmpty() && !name.equals(config.bridgeName())) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** The result's first IPv4 entry of "ips" (its address "a.b.c.d/n"); empty when it has none. */
    static Optional<JsonNode> ipv4Entry(JsonNode result)
    {
        for (JsonNode ip : result.path("ips")) {
            String address = ip.path("address").asText("");
            if (address.contains(".") && address.indexOf('/') > 0) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    NetworkAttachment attachment(TaskNetworkState state, Path namespacePath)
            throws NetworkException
    {
        JsonNode result = state.addResult();
        Optional<JsonNode> entry = ipv4Entry(result);
        if (entry.isPresent()) {
            JsonNode ip = entry.get();
            String address = ip.path("address").asText();
            JsonNode interfaceNode = ip.has("interface") ? result.path("interfaces").path(ip.get("interface").asInt()) : null;
            String mac = interfaceNode == null ? null : interfaceNode.path("mac").asText(null);
            String name = interfaceNode == null ? INTERFACE : interfaceNode.path("name").asText(INTERFACE);
            String host = address.substring(0, address.indexOf('/'));
            // states written before plans existed name no slice: the address's own network then
            String subnet = state.subnet() != null ? state.subnet() : networkOf(address);
            return new NetworkAttachment(namespacePath.toString(), host, subnet, ip.path("gateway").asText(null), mac, name);
        }
        throw new NetworkException("the CNI bridge plugin gave task " + state.taskId() + " no IPv4 address: " + result);
    }

    private static String networkOf(String addressWithPrefix)
    {
        int slash = addressWithPrefix.indexOf('/');
        int prefix = Integer.parseInt(addressWithPrefix.substring(slash + 1));
        return Ipv4Cidr.containing(Ipv4Cidr.parseAddress(addressWithPrefix.substring(0, slash)), prefix).toString();
    }
}
