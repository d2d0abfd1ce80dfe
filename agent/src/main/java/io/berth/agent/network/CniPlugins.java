package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path pluginDirectory;

    CniPlugins(Path pluginDirectory)
    {
        this.pluginDirectory = requireNonNull(pluginDirectory, "pluginDirectory is null");
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
        ProcessBuilder builder = new ProcessBuilder(plugin.toString());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", PATH);
        environment.put("CNI_COMMAND", command);
        environment.put("CNI_CONTAINERID", containerId);
        environment.put("CNI_NETNS", networkNamespacePath);
        environment.put("CNI_IFNAME", interfaceName);
        environment.put("CNI_PATH", pluginDirectory.toString());
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readQuietly(process.getErrorStream()), Thread::startVirtualThread);
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(Json.mapper().writeValueAsBytes(config));
            }
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new NetworkException("the CNI plugin " + type + " did not finish " + command + " within " + TIMEOUT.toSeconds() + " s");
            }
            String output = new String(stdout, StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new NetworkException("CNI " + type + " " + command + " failed: " + errorMessage(output, new String(stderr.join(), StandardCharsets.UTF_8).strip()));
            }
            return output.isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(output);
        }
        catch (IOException e) {
            throw new NetworkException("cannot run the CNI plugin " + type + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while the CNI plugin " + type + " ran " + command, e);
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

    private static byte[] readQuietly(InputStream stream)
    {
        try {
            return stream.readAllBytes();
        }
        catch (IOException e) {
            return new byte[0];
        }
    }
}
