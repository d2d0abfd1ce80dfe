package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A network namespace per task, attached to the agent's bridge with an address from host-local IPAM, made
 * with the CNI plugins. Before anything is made for a task, a state file names it, and the file goes only
 * after everything is released: a crash at any step leaves a state file that the next tearDown (or the
 * agent's orphan cleanup) finishes from. The plugins' DEL runs while the namespace still exists (so the
 * bridge plugin can also drop the task's masquerade rules) and releases the address even when the
 * namespace is gone (after a reboot).
 */
public final class CniTaskNetwork
        implements TaskNetwork
{
    private static final Logger log = LoggerFactory.getLogger(CniTaskNetwork.class);
    private static final String CNI_VERSION = "1.0.0";
    private static final String INTERFACE = "eth0";
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private final CniNetworkConfig config;
    private final CniPlugins plugins;
    private final NetworkNamespaces namespaces = new NetworkNamespaces();
    private final Path stateDirectory;

    public CniTaskNetwork(CniNetworkConfig config)
    {
        this.config = requireNonNull(config, "config is null");
        this.plugins = new CniPlugins(config.pluginDirectory());
        this.stateDirectory = config.stateDirectory().resolve("tasks");
    }

    public CniNetworkConfig config()
    {
        return config;
    }

    @Override
    public synchronized Optional<NetworkAttachment> setUp(String taskId)
            throws NetworkException
    {
        checkTaskId(taskId);
        Optional<TaskNetworkState> existing = readState(taskId);
        if (existing.isPresent() && existing.get().addResult() != null && namespaces.exists(existing.get().namespace())) {
            return Optional.of(attachment(existing.get()));
        }
        if (existing.isPresent()) {
            // a set-up cut short by a crash: release what it got, then begin again
            tearDown(taskId);
        }
        TaskNetworkState state = new TaskNetworkState(taskId, namespaceName(taskId), null);
        writeState(state);
        try {
            namespaces.create(state.namespace());
            String namespacePath = namespaces.path(state.namespace()).toString();
            plugins.run(CniPlugins.ADD, taskId, namespacePath, "lo", loopbackConfig());
            JsonNode result = plugins.run(CniPlugins.ADD, taskId, namespacePath, INTERFACE, bridgeConfig(null));
            state = new TaskNetworkState(taskId, state.namespace(), result);
            NetworkAttachment attachment = attachment(state);
            writeState(state);
            log.info("task {}: network namespace {} with address {} on bridge {}", taskId, state.namespace(), attachment.ipv4Address(), config.bridgeName());
            return Optional.of(attachment);
        }
        catch (NetworkException | RuntimeException e) {
            try {
                tearDown(taskId);
            }
            catch (NetworkException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public synchronized void tearDown(String taskId)
            throws NetworkException
    {
        checkTaskId(taskId);
        Optional<TaskNetworkState> state = readState(taskId);
        if (state.isEmpty()) {
            return;
        }
        String namespace = state.get().namespace();
        plugins.run(CniPlugins.DEL, taskId, namespaces.path(namespace).toString(), INTERFACE, bridgeConfig(state.get().addResult()));
        MasqueradeRules.removeLeftovers(config.networkName(), taskId);
        namespaces.delete(namespace);
        try {
            Files.deleteIfExists(stateFile(taskId));
        }
        catch (IOException e) {
            throw new NetworkException("cannot remove the network state of task " + taskId + ": " + e.getMessage(), e);
        }
        log.info("task {}: network released", taskId);
    }

    @Override
    public List<String> taskIds()
    {
        if (!Files.isDirectory(stateDirectory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(stateDirectory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json"))
                    .map(name -> name.substring(0, name.length() - ".json".length()))
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            log.warn("cannot list task networks in {}: {}", stateDirectory, e.getMessage());
            return List.of();
        }
    }

    /**
     * Creates the bridge with the gateway address (the subnet's first host address, which host-local IPAM
     * gives tasks as their gateway) before any task exists, so host services can listen there from the
     * agent's start. The bridge plugin adopts a bridge that already has the gateway address.
     */
    @Override
    public synchronized Optional<String> prepareGateway()
            throws NetworkException
    {
        String gateway = gatewayAddress(config.subnet());
        String prefix = config.subnet().substring(config.subnet().indexOf('/') + 1);
        String bridge = config.bridgeName();
        if (!NetworkNamespaces.linkExists(bridge)) {
            NetworkNamespaces.run(List.of("/usr/sbin/ip", "link", "add", bridge, "type", "bridge"), "create the bridge " + bridge);
            log.info("bridge {} created", bridge);
        }
        if (!NetworkNamespaces.output(List.of("/usr/sbin/ip", "-4", "-o", "addr", "show", "dev", bridge), "read the addresses of " + bridge).contains(" " + gateway + "/")) {
            NetworkNamespaces.run(List.of("/usr/sbin/ip", "addr", "add", gateway + "/" + prefix, "dev", bridge), "give the bridge " + bridge + " the address " + gateway);
        }
        NetworkNamespaces.run(List.of("/usr/sbin/ip", "link", "set", bridge, "up"), "set the bridge " + bridge + " up");
        return Optional.of(gateway);
    }

    /** The first host address of an IPv4 subnet in CIDR form, e.g. 10.213.0.1 for 10.213.0.0/16. */
    static String gatewayAddress(String subnet)
    {
        String[] octets = subnet.substring(0, subnet.indexOf('/')).split("\\.");
        long address = 0;
        for (String octet : octets) {
            address = (address << 8) | Integer.parseInt(octet);
        }
        address += 1;
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    /**
     * Deletes the agent's bridge once no task holds a network on it, for tests and hosts leaving Berth; the
     * bridge plugin makes it again for the next task.
     */
    public synchronized void removeBridgeIfUnused()
            throws NetworkException
    {
        if (!taskIds().isEmpty() || !NetworkNamespaces.linkExists(config.bridgeName())) {
            return;
        }
        NetworkNamespaces.run(List.of("/usr/sbin/ip", "link", "delete", config.bridgeName(), "type", "bridge"), "delete the bridge " + config.bridgeName());
        log.info("bridge {} removed", config.bridgeName());
    }

    /** Named after the bridge too, so an operator sees which agent a namespace belongs to. */
    String namespaceName(String taskId)
    {
        return config.bridgeName() + "-" + taskId;
    }

    private ObjectNode loopbackConfig()
    {
        ObjectNode loopback = Json.mapper().createObjectNode();
        loopback.put("cniVersion", CNI_VERSION);
        loopback.put("name", "loopback");
        loopback.put("type", "loopback");
        return loopback;
    }

    private ObjectNode bridgeConfig(JsonNode previousResult)
    {
        ObjectNode bridge = Json.mapper().createObjectNode();
        bridge.put("cniVersion", CNI_VERSION);
        bridge.put("name", config.networkName());
        bridge.put("type", "bridge");
        bridge.put("bridge", config.bridgeName());
        bridge.put("isGateway", true);
        // tasks reach beyond the host as Fargate tasks do; traffic between tasks stays unmasqueraded
        bridge.put("ipMasq", true);
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.putArray("ranges").addArray().addObject().put("subnet", config.subnet());
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        ipam.put("dataDir", config.stateDirectory().resolve("ipam").toAbsolutePath().toString());
        if (previousResult != null) {
            bridge.set("prevResult", previousResult);
        }
        return bridge;
    }

    private NetworkAttachment attachment(TaskNetworkState state)
            throws NetworkException
    {
        JsonNode result = state.addResult();
        for (JsonNode ip : result.path("ips")) {
            String address = ip.path("address").asText("");
            if (!address.contains(".") || !address.contains("/")) {
                continue;
            }
            JsonNode interfaceNode = ip.has("interface") ? result.path("interfaces").path(ip.get("interface").asInt()) : null;
            String mac = interfaceNode == null ? null : interfaceNode.path("mac").asText(null);
            String name = interfaceNode == null ? INTERFACE : interfaceNode.path("name").asText(INTERFACE);
            return new NetworkAttachment(
                    namespaces.path(state.namespace()).toString(),
                    address.substring(0, address.indexOf('/')),
                    config.subnet(),
                    ip.path("gateway").asText(null),
                    mac,
                    name);
        }
        throw new NetworkException("the CNI bridge plugin gave task " + state.taskId() + " no IPv4 address: " + result);
    }

    private Optional<TaskNetworkState> readState(String taskId)
            throws NetworkException
    {
        Path file = stateFile(taskId);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(file.toFile(), TaskNetworkState.class));
        }
        catch (IOException e) {
            // a state file cut short by a crash before the namespace was made: the name is known anyway
            log.warn("task {}: unreadable network state, tearing down by name: {}", taskId, e.getMessage());
            return Optional.of(new TaskNetworkState(taskId, namespaceName(taskId), null));
        }
    }

    private void writeState(TaskNetworkState state)
            throws NetworkException
    {
        Path file = stateFile(state.taskId());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(stateDirectory);
            Files.write(temporary, Json.mapper().writeValueAsBytes(state));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new NetworkException("cannot record the network state of task " + state.taskId() + ": " + e.getMessage(), e);
        }
    }

    private Path stateFile(String taskId)
    {
        return stateDirectory.resolve(taskId + ".json");
    }

    private static void checkTaskId(String taskId)
    {
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("invalid task id for a network: " + taskId);
        }
    }

    /** What is kept on disk per task: the namespace's name, and the bridge plugin's ADD result once it succeeded. */
    record TaskNetworkState(String taskId, String namespace, JsonNode addResult)
    {
        TaskNetworkState
        {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(namespace, "namespace is null");
        }
    }
}
