package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a process joins a container with its own user namespace that also sits in a namespace the host made (the task's
 * network namespace, given to runc by path). runc 1.1 joins the user namespace first on exec and then cannot enter a
 * namespace owned by the host's user namespace ("failed to setns into net namespace: Operation not permitted"); at
 * create it joined that namespace before making the user namespace, which is why the container runs at all.
 * So the exec is done as create did it: nsenter (util-linux) enters the host-made namespaces first, as root of the
 * host, and runc then joins the rest (user namespace first) from a copy of the container's state that leaves those
 * out. runc still applies everything else of the container: its cgroup, seccomp profile, capabilities, user and limits.
 */
final class ExecNamespaces
{
    /** runc's namespace type names and nsenter's options for the namespaces runc may have been given by path. */
    private static final Map<String, String> NSENTER_OPTIONS = Map.of(
            "NEWNET", "--net=",
            "NEWIPC", "--ipc=",
            "NEWUTS", "--uts=",
            "NEWPID", "--pid=",
            "NEWCGROUP", "--cgroup=");

    /** The state root to give runc's exec and the command to run runc under (nsenter's, ending in "--"). */
    record Plan(Path stateRoot, List<String> prefix) {}

    private ExecNamespaces() {}

    /**
     * The plan for a container whose state (runc's state.json in runcRoot) has a user namespace and namespaces joined
     * by path; empty when runc's own exec joins every namespace (no user namespace, or none given by path). The copy
     * of the state goes under directory, which the caller removes after the exec.
     */
    static Optional<Plan> plan(Path runcRoot, String containerId, Path directory, Path nsenter)
            throws IOException
    {
        Path stateFile = runcRoot.resolve(containerId).resolve("state.json");
        if (!Files.exists(stateFile)) {
            return Optional.empty();
        }
        ObjectNode state = (ObjectNode) Json.mapper().readTree(Files.readString(stateFile));
        JsonNode namespaces = state.path("config").path("namespaces");
        boolean userNamespace = false;
        ArrayNode kept = Json.mapper().createArrayNode();
        List<String> prefix = new ArrayList<>(List.of(nsenter.toString()));
        for (JsonNode namespace : namespaces) {
            String type = namespace.path("type").asText();
            String path = namespace.path("path").asText("");
            userNamespace |= type.equals("NEWUSER");
            if (!path.isEmpty() && NSENTER_OPTIONS.containsKey(type)) {
                prefix.add(NSENTER_OPTIONS.get(type) + path);
            }
            else {
                kept.add(namespace);
            }
        }
        if (!userNamespace || prefix.size() == 1) {
            return Optional.empty();
        }
        ((ObjectNode) state.path("config")).set("namespaces", kept);
        Path copy = directory.resolve(containerId).resolve("state.json");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, Json.mapper().writeValueAsString(state));
        prefix.add("--");
        return Optional.of(new Plan(directory, prefix));
    }
}
