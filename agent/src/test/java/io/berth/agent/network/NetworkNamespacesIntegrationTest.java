package io.berth.agent.network;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Network namespaces made and removed in the agent's process: each is a namespace of its own that the tools see as `ip
 * netns add` leaves one (a name under /run/netns, the loopback up), the agent's own namespace stays as it was, a name
 * that is taken fails the make and leaves what holds the name alone, and a removal leaves neither file nor mount.
 * Needs root.
 */
class NetworkNamespacesIntegrationTest
{
    private final NetworkCommands host = new NetworkCommands();
    private final NetworkNamespaces namespaces = new NetworkNamespaces(host);
    private final List<String> made = new ArrayList<>();

    @AfterEach
    void removeNamespaces()
            throws NetworkException
    {
        for (String name : made) {
            namespaces.delete(name);
        }
    }

    @Test
    void aNamespaceMadeInProcessIsANewOneWithItsLoopbackUp()
            throws Exception
    {
        String first = name();
        String second = name();
        String ownBefore = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();

        namespaces.create(first);
        namespaces.create(second);

        assertThat(namespaces.exists(first)).isTrue();
        assertThat(host.run("list the namespaces", List.of(NetworkCommands.IP, "netns", "list"))).contains(first).contains(second);
        assertThat(inside(first, "ip", "-o", "link", "show", "lo")).contains("UP");
        assertThat(inside(first, "/bin/busybox", "ping", "-c", "1", "-W", "2", "127.0.0.1")).contains("1 packets received");
        // each its own: a link made in one is not in the other, nor in the agent's namespace
        host.run("add a link", List.of(NetworkCommands.IP, "-n", first, "link", "add", "berth-nsprobe", "type", "bridge"));
        assertThat(inside(first, "ip", "-o", "link", "show")).contains("berth-nsprobe");
        assertThat(inside(second, "ip", "-o", "link", "show")).doesNotContain("berth-nsprobe");
        assertThat(host.linkExists("berth-nsprobe")).isFalse();
        assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString()).isEqualTo(ownBefore);
    }

    @Test
    void aTakenNameFailsTheMakeAndLeavesWhatHoldsItAlone()
            throws Exception
    {
        String name = name();
        namespaces.create(name);
        host.run("add a link", List.of(NetworkCommands.IP, "-n", name, "link", "add", "berth-nsprobe", "type", "bridge"));

        assertThatThrownBy(() -> namespaces.create(name))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("cannot create the network namespace " + name)
                .hasMessageContaining("File exists");

        // the first namespace is still there under its name, with what it held
        assertThat(inside(name, "ip", "-o", "link", "show")).contains("berth-nsprobe");
    }

    @Test
    void aNamespaceIsRemovedInProcessAsIpNetnsDeleteRemovesIt()
            throws Exception
    {
        String name = name();
        namespaces.create(name);
        Path file = namespaces.path(name);
        String mountsBefore = Files.readString(Path.of("/proc/self/mountinfo"));
        assertThat(mountsBefore).contains(file.toString());

        namespaces.delete(name);

        assertThat(Files.exists(file)).isFalse();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(file.toString());
        assertThat(host.run("list the namespaces", List.of(NetworkCommands.IP, "netns", "list"))).doesNotContain(name);
        // gone already: nothing to do
        namespaces.delete(name);

        // a file left by a make cut short before its bind mount goes too
        String leftover = name();
        Files.createFile(namespaces.path(leftover));
        namespaces.delete(leftover);
        assertThat(Files.exists(namespaces.path(leftover))).isFalse();
    }

    private String name()
    {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String name = "berth-ns-" + HexFormat.of().formatHex(random);
        made.add(name);
        return name;
    }

    private String inside(String namespace, String... command)
            throws NetworkException
    {
        return new NetworkCommands(List.of(NetworkCommands.IP, "netns", "exec", namespace)).run("run " + command[0] + " in " + namespace, List.of(command));
    }
}
