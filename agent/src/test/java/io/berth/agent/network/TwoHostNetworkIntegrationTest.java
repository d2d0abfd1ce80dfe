package io.berth.agent.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.HostLinkSettings;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.files.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.berth.agent.network.TestCommands.httpd;
import static io.berth.agent.network.TestCommands.ping;
import static io.berth.agent.network.TestCommands.run;
import static io.berth.agent.network.TestCommands.wget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two hosts, each a network namespace of the test's own joined by a veth pair (the underlay), each with its agent's
 * task network built by the real CNI plugins, VXLAN link and nftables: tasks reach tasks of their account on the
 * other host by address, without NAT, and nothing of another account.
 */
class TwoHostNetworkIntegrationTest
{
    private static final String TASK_CIDR = "10.241.0.0/16";
    private static final HostLinkSettings LINK = new HostLinkSettings(HostLinkSettings.VXLAN, 4242, 4789);
    private static final String ACCOUNT_1 = "111111111111";
    private static final String ACCOUNT_2 = "222222222222";
    private static final String TASK_1A = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    private static final String TASK_2A = "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2";
    private static final String TASK_2B = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";

    private final List<String> hostNamespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Path directory;
    private CniTaskNetwork host1;
    private CniTaskNetwork host2;

    @BeforeEach
    void createHosts()
            throws Exception
    {
        directory = Files.createTempDirectory("berth-two-hosts");
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String suffix = HexFormat.of().formatHex(random);
        String namespace1 = "berth-nt-" + suffix + "1";
        String namespace2 = "berth-nt-" + suffix + "2";
        run("ip", "netns", "add", namespace1);
        hostNamespaces.add(namespace1);
        run("ip", "netns", "add", namespace2);
        hostNamespaces.add(namespace2);
        run("ip", "-n", namespace1, "link", "add", "u0", "type", "veth", "peer", "name", "u0", "netns", namespace2);
        run("ip", "-n", namespace1, "addr", "add", "10.242.0.1/24", "dev", "u0");
        run("ip", "-n", namespace2, "addr", "add", "10.242.0.2/24", "dev", "u0");
        for (String namespace : hostNamespaces) {
            run("ip", "-n", namespace, "link", "set", "u0", "up");
            run("ip", "-n", namespace, "link", "set", "lo", "up");
        }
        // bridge names differ: task namespaces are named after the bridge, and /run/netns is one for the machine
        host1 = new CniTaskNetwork(new CniNetworkConfig(directory.resolve("host1"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, "bnt0a", "10.242.0.1"),
                new NetworkCommands(List.of(NetworkCommands.IP, "netns", "exec", namespace1)));
        host2 = new CniTaskNetwork(new CniNetworkConfig(directory.resolve("host2"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, "bnt0b", "10.242.0.2"),
                new NetworkCommands(List.of(NetworkCommands.IP, "netns", "exec", namespace2)));
    }

    @AfterEach
    void removeHosts()
            throws Exception
    {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (CniTaskNetwork host : List.of(host1, host2)) {
            for (String taskId : host.taskIds()) {
                host.tearDown(taskId);
            }
            host.removeHostNetworkIfUnused();
        }
        for (String namespace : hostNamespaces) {
            run("ip", "netns", "delete", namespace);
        }
        FileTrees.deleteRecursively(directory);
    }

    @Test
    void tasksReachTheirAccountOnTheOtherHostAndNothingElse()
            throws Exception
    {
        NetworkPeer peer1 = new NetworkPeer("host-1", "10.242.0.1", "10.241.1.0/24");
        NetworkPeer peer2 = new NetworkPeer("host-2", "10.242.0.2", "10.241.2.0/24");
        host1.apply(plan(peer1, peer2, List.of()));
        host2.apply(plan(peer2, peer1, List.of()));

        NetworkAttachment task1a = host1.setUp(TASK_1A, ACCOUNT_1).orElseThrow();
        NetworkAttachment task2a = host2.setUp(TASK_2A, ACCOUNT_1).orElseThrow();
        NetworkAttachment task2b = host2.setUp(TASK_2B, ACCOUNT_2).orElseThrow();
        assertThat(task1a.ipv4Address()).startsWith("10.241.1.");
        assertThat(task2a.ipv4Address()).startsWith("10.241.2.");
        // the control plane learns the addresses from the reports and lists them in every host's plan
        List<TaskEndpoint> endpoints = List.of(new TaskEndpoint(task1a.ipv4Address(), ACCOUNT_1),
                new TaskEndpoint(task2a.ipv4Address(), ACCOUNT_1), new TaskEndpoint(task2b.ipv4Address(), ACCOUNT_2));
        host1.apply(plan(peer1, peer2, endpoints));
        host2.apply(plan(peer2, peer1, endpoints));

        serve(host2.namespaceName(TASK_2A), "hello from 2a");
        serve(host1.namespaceName(TASK_1A), "hello from 1a");

        // same account across hosts, and the server sees the client's own address (no NAT)
        assertThat(await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> fetch(host1.namespaceName(TASK_1A), task2a.ipv4Address()), text -> !text.isEmpty()))
                .isEqualTo("hello from 2a\n");
        assertThat(wget(host1.namespaceName(TASK_1A), "http://" + task2a.ipv4Address() + ":8080/cgi-bin/client")).isEqualTo("[::ffff:" + task1a.ipv4Address() + "]\n");
        // another account, from the other host, gets nothing: TCP nor ICMP
        assertThatThrownBy(() -> fetch(host2.namespaceName(TASK_2B), task1a.ipv4Address())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ping(host2.namespaceName(TASK_2B), task1a.ipv4Address())).isInstanceOf(IOException.class);
        // nor the other host itself
        assertThatThrownBy(() -> ping(host1.namespaceName(TASK_1A), "10.242.0.2")).isInstanceOf(IOException.class);

        // the peer leaves: its slice is no longer routed
        host1.apply(new NetworkPlan(TASK_CIDR, peer1.hostSubnet(), LINK, List.of(), endpoints, Map.of(), List.of()));
        assertThatThrownBy(() -> fetch(host1.namespaceName(TASK_1A), task2a.ipv4Address())).isInstanceOf(IOException.class);
    }

    @Test
    void egressPolicyHoldsPerAccountAndTheOtherHostsServicesStayClosed()
            throws Exception
    {
        NetworkPeer peer1 = new NetworkPeer("host-1", "10.242.0.1", "10.241.1.0/24");
        NetworkPeer peer2 = new NetworkPeer("host-2", "10.242.0.2", "10.241.2.0/24");
        // a server outside the task network, in host 2's namespace on an address that is no peer's
        run("ip", "-n", hostNamespaces.get(1), "addr", "add", "10.242.0.9/32", "dev", "u0");
        run("ip", "-n", hostNamespaces.get(0), "route", "add", "10.242.0.9/32", "dev", "u0");
        serveOn(hostNamespaces.get(1), "10.242.0.9", "outside");
        Map<String, EgressPolicy> egress = Map.of(ACCOUNT_2, EgressPolicy.denyAll());
        host1.apply(new NetworkPlan(TASK_CIDR, peer1.hostSubnet(), LINK, List.of(peer2), List.of(), egress, List.of()));
        host2.apply(new NetworkPlan(TASK_CIDR, peer2.hostSubnet(), LINK, List.of(peer1), List.of(), egress, List.of()));
        NetworkAttachment allowed = host1.setUp(TASK_1A, ACCOUNT_1).orElseThrow();
        host1.setUp(TASK_2B, ACCOUNT_2).orElseThrow();

        // masqueraded to host 1's address on the way out
        assertThat(fetch(host1.namespaceName(TASK_1A), "10.242.0.9")).isEqualTo("outside\n");
        assertThat(allowed.ipv4Address()).startsWith("10.241.1.");
        assertThatThrownBy(() -> fetch(host1.namespaceName(TASK_2B), "10.242.0.9")).isInstanceOf(IOException.class);

        // an allow list lets the account reach just those networks
        Map<String, EgressPolicy> allowList = Map.of(ACCOUNT_2, new EgressPolicy(List.of("10.242.0.9/32")));
        host1.apply(new NetworkPlan(TASK_CIDR, peer1.hostSubnet(), LINK, List.of(peer2), List.of(), allowList, List.of()));
        assertThat(fetch(host1.namespaceName(TASK_2B), "10.242.0.9")).isEqualTo("outside\n");
    }

    private static NetworkPlan plan(NetworkPeer self, NetworkPeer other, List<TaskEndpoint> endpoints)
    {
        return new NetworkPlan(TASK_CIDR, self.hostSubnet(), LINK, List.of(other), endpoints, Map.of(), List.of());
    }

    private void serveOn(String namespace, String address, String text)
            throws Exception
    {
        Path web = Files.createDirectories(directory.resolve("www-" + namespace + "-" + address));
        Files.writeString(web.resolve("index.html"), text + "\n");
        processes.add(httpd(namespace, address + ":8080", web));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> fetch(namespace, address), body -> !body.isEmpty());
    }

    private void serve(String namespace, String text)
            throws Exception
    {
        Path web = Files.createDirectories(directory.resolve("www-" + namespace));
        Files.writeString(web.resolve("index.html"), text + "\n");
        // busybox httpd runs CGI scripts from cgi-bin: this one answers with the client's address as the server saw it
        Path script = Files.createDirectories(web.resolve("cgi-bin")).resolve("client");
        Files.writeString(script, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$REMOTE_ADDR\"\n");
        script.toFile().setExecutable(true);
        processes.add(httpd(namespace, "8080", web));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> fetch(namespace, "127.0.0.1"), body -> !body.isEmpty());
    }

    private static String fetch(String namespace, String address)
            throws Exception
    {
        return wget(namespace, "http://" + address + ":8080/index.html");
    }
}
