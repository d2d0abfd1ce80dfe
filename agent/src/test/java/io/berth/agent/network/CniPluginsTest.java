package io.berth.agent.network;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fault injection: CNI plugins that hang or fail, as a stuck netlink call or a broken install would. */
class CniPluginsTest
{
    @TempDir
    Path plugins;

    @Test
    void aPluginThatHangsIsKilledAtTheDeadlineWithAReasonForTheTask()
            throws IOException
    {
        // reads nothing, prints nothing, never ends, and holds its pipes open
        plugin("bridge", "#!/bin/sh\nexec sleep 60\n");
        CniPlugins cni = new CniPlugins(plugins, List.of(), Duration.ofMillis(500));
        long start = System.nanoTime();

        assertThatThrownBy(() -> cni.run(CniPlugins.ADD, "task-1", "/run/netns/none", "eth0", config("bridge")))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("the CNI plugin bridge failed ADD")
                .hasMessageContaining("did not finish within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFailingPluginsErrorObjectIsTheReason()
            throws IOException
    {
        plugin("bridge", "#!/bin/sh\ncat >/dev/null\necho '{\"code\": 11, \"msg\": \"failed to allocate\", \"details\": \"no addresses left\"}'\nexit 1\n");
        CniPlugins cni = new CniPlugins(plugins, List.of(), Duration.ofSeconds(10));

        assertThatThrownBy(() -> cni.run(CniPlugins.ADD, "task-1", "/run/netns/none", "eth0", config("bridge")))
                .isInstanceOf(NetworkException.class)
                .hasMessage("CNI bridge ADD failed: failed to allocate (no addresses left)");
    }

    @Test
    void aMissingPluginSaysWhatToInstall()
    {
        CniPlugins cni = new CniPlugins(plugins, List.of(), Duration.ofSeconds(10));

        assertThatThrownBy(() -> cni.run(CniPlugins.ADD, "task-1", "/run/netns/none", "eth0", config("bridge")))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("apt-get install containernetworking-plugins");
    }

    private void plugin(String name, String script)
            throws IOException
    {
        Path file = plugins.resolve(name);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode config(String type)
    {
        return Json.mapper().createObjectNode().put("cniVersion", "1.0.0").put("name", "test").put("type", type);
    }
}
