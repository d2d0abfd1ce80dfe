package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.testing.TestNetworks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Task ports made in the agent's process, with the real kernel: the task's end is eth0 in its namespace with the
 * address, MAC and default route, the host's end a port of the bridge, and the host reaches the task; an address a
 * CNI host-local plugin handed out (an agent from before) is neither handed out again nor kept once given back; a
 * failed make (no bridge) gives the address back and leaves no veth; a make past its deadline fails its caller at once
 * and the veth it made later is removed by its own thread. Needs root and busybox.
 */
class KernelBridgePortsIntegrationTest
{
    private static final String SUBNET = "10.247.3.0/24";

    @TempDir
    Path directory;

    private final NetworkCommands host = new NetworkCommands();
    private final NetworkNamespaces namespaces = new NetworkNamespaces(host);
    private final List<String> made = new ArrayList<>();
    private final String bridge = TestNetworks.bridgeName("bkp");
    private CniNetworkConfig config;
    private KernelBridgePorts ports;

    @BeforeEach
    void makeBridge()
            throws Exception
    {
        config = new CniNetworkConfig(directory.resolve("network"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, bridge);
        ports = new KernelBridgePorts(config, Duration.ofSeconds(10));
        host.run("make the bridge", List.of(NetworkCommands.IP, "link", "add", bridge, "type", "bridge"));
        host.run("give the bridge its address", List.of(NetworkCommands.IP, "addr", "add", "10.247.3.1/24", "dev", bridge));
        host.run("bring the bridge up", List.of(NetworkCommands.IP, "link", "set", bridge, "up"));
    }

    @AfterEach
    void removeWhatWasMade()
            throws Exception
    {
        for (String name : made) {
            namespaces.delete(name);
        }
        if (host.linkExists(bridge)) {
            host.run("delete the bridge", List.of(NetworkCommands.IP, "link", "delete", bridge));
        }
    }

    @Test
    void theTaskGetsEth0WithItsAddressAndRouteAndTheHostReachesIt()
            throws Exception
    {
        String namespace = namespace();

        JsonNode result = ports.add("owner-1", namespaces.path(namespace).toString(), SUBNET, 1400);

        NetworkAttachment attachment = new CniBridgeConfigs(config).attachment(
                new TaskNetworkStates.TaskNetworkState("owner-1", namespace, null, SUBNET, result), namespaces.path(namespace));
        assertThat(attachment.ipv4Address()).isEqualTo("10.247.3.2");
        assertThat(attachment.gateway()).isEqualTo("10.247.3.1");
        // the MAC follows from the address
        assertThat(attachment.macAddress()).isEqualTo("02:64:0a:f7:03:02");
        String hostEnd = new CniBridgeConfigs(config).hostInterface(result).orElseThrow();
        assertThat(hostEnd).matches("veth[0-9a-f]{8}");

        String inside = inside(namespace, "ip", "-o", "addr", "show", "dev", "eth0");
        assertThat(inside).contains("inet 10.247.3.2/24 brd 10.247.3.255");
        assertThat(inside(namespace, "ip", "-o", "link", "show", "eth0")).contains("mtu 1400").contains("link/ether 02:64:0a:f7:03:02").contains("state UP");
        assertThat(inside(namespace, "ip", "route", "show", "default")).contains("default via 10.247.3.1 dev eth0");
        String hostLink = host.run("read the host end", List.of(NetworkCommands.IP, "-o", "link", "show", hostEnd));
        assertThat(hostLink).contains("master " + bridge).contains("mtu 1400").contains("state UP");
        assertThat(TestCommands.run("/bin/busybox", "ping", "-c", "1", "-W", "2", "10.247.3.2")).contains("1 packets received");
        assertThat(Files.readString(addressFile("10.247.3.2"))).isEqualTo("owner-1\r\neth0");
    }

    @Test
    void addressesGoRoundTheSliceAroundThoseThePluginHandedOutAndComeBackOnceGivenBack()
            throws Exception
    {
        // as the host-local plugin left them: .2 taken by an older task, .3 the last handed out
        Files.createDirectories(addressFile("x").getParent());
        Files.writeString(addressFile("10.247.3.4"), "older-task\r\neth0");
        Files.writeString(addressFile("x").resolveSibling("last_reserved_ip.0"), "10.247.3.3");

        JsonNode first = ports.add("owner-1", namespaces.path(namespace()).toString(), SUBNET, 0);
        assertThat(first.at("/ips/0/address").asText()).isEqualTo("10.247.3.5/24");

        ports.releaseAddress("owner-1", null, SUBNET, first);
        assertThat(Files.exists(addressFile("10.247.3.5"))).isFalse();
        // the plugin's old address goes back too when its owner's release comes, and only then
        ports.releaseAddress("someone-else", null, SUBNET, null);
        assertThat(Files.exists(addressFile("10.247.3.4"))).isTrue();
        ports.releaseAddress("older-task", null, SUBNET, null);
        assertThat(Files.exists(addressFile("10.247.3.4"))).isFalse();

        // round the slice: the next is .6, not the one just given back
        JsonNode second = ports.add("owner-2", namespaces.path(namespace()).toString(), SUBNET, 0);
        assertThat(second.at("/ips/0/address").asText()).isEqualTo("10.247.3.6/24");
    }

    @Test
    void aMakeThatFailsGivesTheAddressBackAndLeavesNoVeth()
            throws Exception
    {
        String namespace = namespace();
        host.run("delete the bridge", List.of(NetworkCommands.IP, "link", "delete", bridge));

        assertThatThrownBy(() -> ports.add("owner-1", namespaces.path(namespace).toString(), SUBNET, 0))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("cannot join " + namespace + " to the bridge " + bridge)
                .hasMessageContaining("the bridge " + bridge + " is missing");

        assertThat(addressFiles()).isEmpty();
        assertThat(inside(namespace, "ip", "-o", "link", "show")).doesNotContain("eth0");
    }

    @Test
    void aMakePastItsDeadlineFailsAtOnceAndWhatItMadeLaterIsUndone()
            throws Exception
    {
        // as a netlink call stuck behind the kernel's lock would: the caller gives up at the deadline, and the step's
        // own thread removes the veth it made once it is through
        KernelBridgePorts late = new KernelBridgePorts(config, Duration.ofNanos(1));
        String namespace = namespace();

        assertThatThrownBy(() -> late.add("owner-1", namespaces.path(namespace).toString(), SUBNET, 0))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("cannot join " + namespace + " to the bridge " + bridge)
                .hasMessageContaining("did not finish within");

        assertThat(addressFiles()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(inside(namespace, "ip", "-o", "link", "show")).doesNotContain("eth0");
            assertThat(host.run("list the bridge's ports", List.of(NetworkCommands.IP, "-o", "link", "show", "master", bridge))).isBlank();
        });
    }

    @Test
    void removeTakesTheVethAndTheAddress()
            throws Exception
    {
        String namespace = namespace();
        JsonNode result = ports.add("owner-1", namespaces.path(namespace).toString(), SUBNET, 0);
        String hostEnd = new CniBridgeConfigs(config).hostInterface(result).orElseThrow();

        ports.remove("owner-1", namespaces.path(namespace).toString(), SUBNET, 0, result);

        assertThat(host.linkExists(hostEnd)).isFalse();
        assertThat(inside(namespace, "ip", "-o", "link", "show")).doesNotContain("eth0");
        assertThat(addressFiles()).isEmpty();
    }

    private String namespace()
            throws NetworkException
    {
        String name = "berth-kbp-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        namespaces.create(name);
        made.add(name);
        return name;
    }

    private Path addressFile(String address)
    {
        return config.stateDirectory().resolve("ipam").resolve(config.networkName()).resolve(address);
    }

    private List<Path> addressFiles()
            throws Exception
    {
        Path ipam = config.stateDirectory().resolve("ipam");
        if (!Files.exists(ipam)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(ipam)) {
            return files.filter(file -> file.getFileName().toString().matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).toList();
        }
    }

    private static String inside(String namespace, String... command)
            throws Exception
    {
        List<String> line = new ArrayList<>(List.of(NetworkCommands.IP, "netns", "exec", namespace));
        line.addAll(List.of(command));
        return TestCommands.run(line.toArray(String[]::new));
    }
}
