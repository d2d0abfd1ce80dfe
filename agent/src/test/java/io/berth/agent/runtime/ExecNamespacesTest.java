package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExecNamespacesTest
{
    private static final Path NSENTER = Path.of("/usr/bin/nsenter");

    @TempDir
    Path directory;

    private Path runcRoot(String namespaces)
            throws Exception
    {
        Path root = directory.resolve("runc");
        Files.createDirectories(root.resolve("app"));
        Files.writeString(root.resolve("app").resolve("state.json"), "{\"id\": \"app\", \"config\": {\"namespaces\": " + namespaces + "}, \"cgroup_paths\": {}}");
        return root;
    }

    @Test
    void aUserNamespacedContainerInAHostMadeNetworkEntersItWithNsenterAndRuncJoinsTheRest()
            throws Exception
    {
        Path root = runcRoot("[{\"type\": \"NEWPID\", \"path\": \"\"}, {\"type\": \"NEWNET\", \"path\": \"/run/netns/task\"}, {\"type\": \"NEWUSER\", \"path\": \"\"}]");

        ExecNamespaces.Plan plan = ExecNamespaces.plan(root, "app", directory.resolve("copy"), NSENTER).orElseThrow();

        assertThat(plan.prefix()).containsExactly("/usr/bin/nsenter", "--net=/run/netns/task", "--");
        assertThat(plan.stateRoot()).isEqualTo(directory.resolve("copy"));
        JsonNode copy = Json.mapper().readTree(Files.readString(directory.resolve("copy").resolve("app").resolve("state.json")));
        List<String> types = new ArrayList<>();
        copy.path("config").path("namespaces").forEach(namespace -> types.add(namespace.path("type").asText()));
        assertThat(types).containsExactly("NEWPID", "NEWUSER");
        assertThat(copy.path("cgroup_paths").isObject()).as("the rest of the state is kept").isTrue();
    }

    @Test
    void runcJoinsEverythingItselfWithoutAUserNamespace()
            throws Exception
    {
        Path root = runcRoot("[{\"type\": \"NEWPID\", \"path\": \"\"}, {\"type\": \"NEWNET\", \"path\": \"/run/netns/task\"}]");

        assertThat(ExecNamespaces.plan(root, "app", directory.resolve("copy"), NSENTER)).isEmpty();
        assertThat(directory.resolve("copy")).doesNotExist();
    }

    @Test
    void runcJoinsEverythingItselfWhenNoNamespaceWasGivenByPath()
            throws Exception
    {
        Path root = runcRoot("[{\"type\": \"NEWNET\", \"path\": \"\"}, {\"type\": \"NEWUSER\", \"path\": \"\"}]");

        assertThat(ExecNamespaces.plan(root, "app", directory.resolve("copy"), NSENTER)).isEmpty();
    }

    @Test
    void noStateNoPlan()
            throws Exception
    {
        assertThat(ExecNamespaces.plan(directory.resolve("runc"), "app", directory.resolve("copy"), NSENTER)).isEmpty();
    }
}
