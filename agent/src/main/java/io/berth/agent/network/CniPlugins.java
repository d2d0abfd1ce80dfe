package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Calls CNI plugin binaries as the CNI specification says: the operation and its arguments in CNI_*
 * environment variables, the network configuration as JSON on stdin, the result (or an error object) as
 * JSON on stdout.
 */
final class CniPlugins
{
    static final String ADD = "ADD";
    static final String DEL = "DEL";
    static final String CHECK = "CHECK";

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path pluginDirectory;
    private final List<String> prefix;
    private final Duration timeout;

    /** @param prefix runs the plugins through it, e.g. in another network namespace (see {@link NetworkCommands}) */
    CniPlugins(Path pluginDirectory, List<String> prefix)
    {
        this(pluginDirectory, prefix, TIMEOUT);
    }

    CniPlugins(Path pluginDirectory, List<String> prefix, Duration timeout)
    {
        this.pluginDirectory = requireNonNull(pluginDirectory, "pluginDirectory is null");
        this.prefix = List.copyOf(prefix);
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Runs one plugin (config's "type") and returns what it printed: the result of an ADD, often nothing for DEL. */
    JsonNode run(String command, String containerId, String networkNamespacePath, String interfaceName, ObjectNode config)
            throws NetworkException
    {
        String type = config.path("type").asText();
        Path plugin = pluginDirectory.resolve(type);
        if (!Files.isExecutable(plugin)) {
            throw new NetworkException("the CNI plugin " + plugin + " is missing: apt-get install containernetworking-plugins");
        }
        Map<String, String> environment = Map.of(
                "PATH", PATH,
                "CNI_COMMAND", command,
                "CNI_CONTAINERID", containerId,
                "CNI_NETNS", networkNamespacePath,
                "CNI_IFNAME", interfaceName,
                "CNI_PATH", pluginDirectory.toString());
        try {
            List<String> commandLine = new ArrayList<>(prefix);
            commandLine.add(plugin.toString());
            ProcessOutput result = HostProcess.run(commandLine, environment, Json.mapper().writeValueAsBytes(config), timeout);
            String output = result.stdout().strip();
            if (!result.succeeded()) {
                throw new NetworkException("CNI " + type + " " + command + " failed: " + errorMessage(output, result.stderr().strip()));
            }
            return output.isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(output);
        }
        catch (UncheckedIOException e) {
            throw new NetworkException("the CNI plugin " + type + " failed " + command + ": " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new NetworkException("the CNI plugin " + type + " printed no JSON for " + command + ": " + e.getMessage(), e);
        }
    }

    /** The spec's error object is {"code", "msg", "details"}; fall back to whatever the plugin printed. */
    private static String errorMessage(String stdout, String stderr)
    {
        try {
            JsonNode error = Json.mapper().readTree(stdout);
            if (error != null && error.hasNonNull("msg")) {
                String details = error.path("details").asText("");
                return error.get("msg").asText() + (details.isEmpty() ? "" : " (" + details + ")");
            }
        }
        catch (IOException e) {
            // not JSON: show it as it is
        }
        String text = !stdout.isEmpty() ? stdout : stderr;
        return text.isEmpty() ? "no error message" : text;
    }
}
