package io.berth.agent.network;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.common.files.FileTrees;
import io.berth.common.network.Ipv4Cidr;
import io.berth.testing.TestNetworks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.berth.agent.network.TestCommands.httpd;
import static io.berth.agent.network.TestCommands.ping;
import static io.berth.agent.network.TestCommands.run;
import static io.berth.agent.network.TestCommands.runIgnoringFailure;
import static io.berth.agent.network.TestCommands.wget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The real CNI plugins on a bridge and subnet of the test's own, torn down after each test. */
class CniTaskNetworkIntegrationTest
{
    private static final String TASK_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String TASK_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String TASK_C = "cccccccccccccccccccccccccccccccc";

    private Path directory;
    private static final String ACCOUNT_1 = "111111111111";
    private static final String ACCOUNT_2 = "222222222222";

    private CniNetworkConfig config;
    private String subnet;
    private CniTaskNetwork network;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void createNetwork()
            throws IOException
    {
        directory = Files.createTempDirectory("berth-network-test");
        config = new CniNetworkConfig(directory.resolve("network"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, TestNetworks.bridgeName("btnet"));
        subnet = TestNetworks.subnet();
        network = new CniTaskNetwork(config);
    }

    /** Most tests apply the plan first, as the agent does before it launches any task. */
    private void applyPlan()
            throws NetworkException
    {
        network.apply(TestPlans.singleHost(subnet));
    }

    @AfterEach
    void removeEverything()
            throws Exception
    {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (String taskId : network.taskIds()) {
            network.tearDown(taskId);
        }
        network.removeHostNetworkIfUnused();
        assertThat(run("nft", "list", "tables")).doesNotContain(config.networkName());
        FileTrees.deleteRecursively(directory);
    }

    @Test
    void taskGetsAnAddressInTheSubnetThatIsReleasedOnTearDown()
            throws Exception
    {
        applyPlan();
        NetworkAttachment attachment = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();

        String prefix = subnet.substring(0, subnet.lastIndexOf('.') + 1);
        assertThat(attachment.ipv4Address()).startsWith(prefix).isNotEqualTo(attachment.gateway());
        assertThat(attachment.gateway()).isEqualTo(prefix + "1");
        assertThat(attachment.subnet()).isEqualTo(subnet);
        // the task's identity is in the firewall before the task could send anything
        String firewall = run("nft", "list", "table", "bridge", config.networkName());
        assertThat(firewall).contains(attachment.macAddress()).contains(attachment.ipv4Address());
        assertThat(attachment.macAddress()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat(attachment.interfaceName()).isEqualTo("eth0");
        assertThat(Path.of(attachment.networkNamespacePath())).exists();
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_A), "ip", "-4", "addr", "show", "eth0")).contains(attachment.ipv4Address() + "/24");
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_A), "ip", "link", "show", "lo")).contains("UP");
        assertThat(allocatedAddresses()).containsExactly(attachment.ipv4Address());
        assertThat(network.taskIds()).containsExactly(TASK_A);
        String veth = hostInterfaceOf(TASK_A);
        assertThat(linkExists(veth)).isTrue();

        network.tearDown(TASK_A);

        assertThat(Path.of(attachment.networkNamespacePath())).doesNotExist();
        assertThat(allocatedAddresses()).isEmpty();
        // the veth goes with the namespace: the kernel removes it once the namespace's last user is gone, on its own time
        await().atMost(Duration.ofSeconds(10)).until(() -> !linkExists(veth));
        assertThat(network.taskIds()).isEmpty();
        assertThat(run("nft", "list", "table", "bridge", config.networkName())).doesNotContain(attachment.ipv4Address());
        network.tearDown(TASK_A);
    }

    @Test
    void aTaskWhosePortThePluginsMadeIsReleasedByAnAgentThatMakesItsOwn()
            throws Exception
    {
        // an agent of a build from before made the task's veth and address with the CNI plugins
        CniTaskNetwork before = CniTaskNetwork.throughPlugins(config, 0, Duration.ofSeconds(60));
        before.apply(TestPlans.singleHost(subnet));
        NetworkAttachment old = before.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        String oldVeth = hostInterfaceOf(TASK_A);

        // this build takes over: its next task gets another address and reaches the old one, which it then releases
        applyPlan();
        NetworkAttachment next = network.setUp(TASK_B, ACCOUNT_1).orElseThrow();
        assertThat(next.ipv4Address()).isNotEqualTo(old.ipv4Address());
        assertThat(allocatedAddresses()).containsExactlyInAnyOrder(old.ipv4Address(), next.ipv4Address());
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_B), "/bin/busybox", "ping", "-c", "1", "-W", "2", old.ipv4Address())).contains("1 packets received");

        network.tearDown(TASK_A);
        assertThat(allocatedAddresses()).containsExactly(next.ipv4Address());
        assertThat(Path.of(old.networkNamespacePath())).doesNotExist();
        await().atMost(Duration.ofSeconds(10)).until(() -> !linkExists(oldVeth));
    }

    @Test
    void setUpTwiceReturnsTheSameAttachment()
            throws Exception
    {
        applyPlan();
        NetworkAttachment first = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        NetworkAttachment again = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();

        assertThat(again).isEqualTo(first);
        assertThat(allocatedAddresses()).containsExactly(first.ipv4Address());
    }

    @Test
    void tasksOnTheSameBridgeReachEachOtherByAddress()
            throws Exception
    {
        applyPlan();
        NetworkAttachment server = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        NetworkAttachment client = network.setUp(TASK_B, ACCOUNT_1).orElseThrow();
        assertThat(client.ipv4Address()).isNotEqualTo(server.ipv4Address());

        assertThat(fetch(server)).isEqualTo("hello from task A\n");
    }

    @Test
    void tasksOfAnotherAccountOnTheSameBridgeGetNothing()
            throws Exception
    {
        applyPlan();
        NetworkAttachment server = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        network.setUp(TASK_B, ACCOUNT_2).orElseThrow();
        serve(server);

        String url = "http://" + server.ipv4Address() + ":8080/hello.txt";
        assertThatThrownBy(() -> wget(network.namespaceName(TASK_B), url)).isInstanceOf(IOException.class);
        // nor ICMP
        assertThatThrownBy(() -> ping(network.namespaceName(TASK_B), server.ipv4Address())).isInstanceOf(IOException.class);
    }

    @Test
    void aRestartedAgentRestoresTheStoredPlanWithoutCuttingTasksOff()
            throws Exception
    {
        applyPlan();
        NetworkAttachment server = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        network.setUp(TASK_B, ACCOUNT_1).orElseThrow();
        String firewall = run("nft", "list", "table", "bridge", config.networkName());

        // a new agent process on the same state: no plan in memory until it restores the stored one
        network = new CniTaskNetwork(config);
        assertThat(network.gateway()).isEmpty();
        network.restore();

        assertThat(network.gateway()).contains(server.gateway());
        assertThat(run("nft", "list", "table", "bridge", config.networkName())).isEqualTo(firewall);
        assertThat(fetch(server)).isEqualTo("hello from task A\n");
    }

    @Test
    void theHostIsClosedToTasksExceptTheMetadataPort()
            throws Exception
    {
        applyPlan();
        NetworkAttachment task = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        String gateway = task.gateway();
        // a listener in the host's namespace, on the test's own bridge address
        Path web = Files.createDirectories(directory.resolve("host-www"));
        Files.writeString(web.resolve("secret.txt"), "host secret\n");
        processes.add(new ProcessBuilder("/bin/busybox", "httpd", "-f", "-p", gateway + ":18081", "-h", web.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> run("timeout", "5", "/bin/busybox", "wget", "-q", "-O", "-", "http://" + gateway + ":18081/secret.txt"), text -> !text.isEmpty());
        String url = "http://" + gateway + ":18081/secret.txt";

        assertThatThrownBy(() -> wget(network.namespaceName(TASK_A), url)).isInstanceOf(IOException.class);

        network.openMetadataEndpoint(18081);
        assertThat(wget(network.namespaceName(TASK_A), url)).isEqualTo("host secret\n");
        // ECS's link-local address leads to the same endpoint: for a task that was running when it opened, and a new one
        assertThat(wget(network.namespaceName(TASK_A), "http://169.254.170.2/secret.txt")).isEqualTo("host secret\n");
        network.setUp(TASK_B, ACCOUNT_2).orElseThrow();
        assertThat(wget(network.namespaceName(TASK_B), "http://169.254.170.2/secret.txt")).isEqualTo("host secret\n");
        // only port 80 of that address, and nothing else of the host
        assertThatThrownBy(() -> wget(network.namespaceName(TASK_B), "http://169.254.170.2:18081/secret.txt")).isInstanceOf(IOException.class);
    }

    /**
     * A bridge left to the kernel takes the lowest MAC of its ports: a task that cached its gateway's MAC while
     * another task's veth lent it would lose its gateway once that task goes (the kernel drops frames to a MAC the
     * bridge no longer has). Each of two tasks goes in turn, so whichever veth had the lower MAC, one round shows it.
     */
    @Test
    void tasksKeepTheirGatewayWhileOtherTasksComeAndGo()
            throws Exception
    {
        applyPlan();
        String bridgeMac = bridgeMac();
        assertThat(bridgeMac).as("the bridge's own MAC, not its ports'").isEqualTo(HostBridge.macAddress(Ipv4Cidr.parse(subnet)));
        Path web = Files.createDirectories(directory.resolve("gateway-www"));
        Files.writeString(web.resolve("up.txt"), "gateway\n");
        String gateway = Ipv4Cidr.parse(subnet).firstHost();
        processes.add(new ProcessBuilder("/bin/busybox", "httpd", "-f", "-p", gateway + ":18082", "-h", web.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        network.openMetadataEndpoint(18082);
        String url = "http://" + gateway + ":18082/up.txt";

        String stays = TASK_A;
        network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> wget(network.namespaceName(TASK_A), url), text -> !text.isEmpty());
        for (String comesAndGoes : List.of(TASK_B, TASK_C)) {
            network.setUp(comesAndGoes, ACCOUNT_1).orElseThrow();
            assertThat(bridgeMac()).as("the bridge's MAC after %s joined", comesAndGoes).isEqualTo(bridgeMac);
            // both tasks learn the gateway's MAC now, while both veths are on the bridge
            assertThat(wget(network.namespaceName(stays), url)).isEqualTo("gateway\n");
            assertThat(wget(network.namespaceName(comesAndGoes), url)).isEqualTo("gateway\n");
            network.tearDown(stays);
            assertThat(bridgeMac()).as("the bridge's MAC after %s left", stays).isEqualTo(bridgeMac);
            assertThat(wget(network.namespaceName(comesAndGoes), url)).as("the gateway from %s after %s left", comesAndGoes, stays).isEqualTo("gateway\n");
            stays = comesAndGoes;
        }
    }

    private String bridgeMac()
            throws Exception
    {
        String link = run("ip", "-o", "link", "show", "dev", config.bridgeName());
        return NetworkCommands.wordAfter(link, "link/ether").orElseThrow();
    }

    @Test
    void aFailedMetadataRouteStopsTheSetUpAndLeavesNothingBehind()
            throws Exception
    {
        // fault injection: every nft run inside a task's namespace fails, as a missing nf_nat module would make it
        String failNft = "case \"$*\" in *nft*) echo injected nft failure >&2; exit 1;; esac; exec \"$@\"";
        network = new CniTaskNetwork(config, new NetworkCommands(), new NetworkCommands(List.of("sh", "-c", failNft, "sh")));
        applyPlan();
        network.openMetadataEndpoint(18081);

        assertThatThrownBy(() -> network.setUp(TASK_A, ACCOUNT_1))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("route 169.254.170.2 to the metadata endpoint")
                .hasMessageContaining("injected nft failure");
        assertThat(network.taskIds()).isEmpty();
        assertThat(Files.exists(Path.of("/run/netns", network.namespaceName(TASK_A)))).isFalse();
    }

    @Test
    void forgedArpAndForeignSourceAddressesChangeNothing()
            throws Exception
    {
        applyPlan();
        NetworkAttachment victim = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        NetworkAttachment attacker = network.setUp(TASK_B, ACCOUNT_1).orElseThrow();
        NetworkAttachment observer = network.setUp(TASK_C, ACCOUNT_1).orElseThrow();
        String inAttacker = network.namespaceName(TASK_B);
        // the host learns the victim's MAC first
        run("timeout", "5", "/bin/busybox", "ping", "-c", "1", "-W", "2", victim.ipv4Address());

        // gratuitous ARP claiming the victim's address, sent with the attacker's MAC
        run("ip", "netns", "exec", inAttacker, "ip", "addr", "add", victim.ipv4Address() + "/32", "dev", "eth0");
        runIgnoringFailure("ip", "netns", "exec", inAttacker, "timeout", "5", "/bin/busybox", "arping", "-U", "-c", "2", "-I", "eth0", "-s", victim.ipv4Address(), victim.gateway());
        assertThat(run("ip", "neigh", "show", victim.ipv4Address(), "dev", config.bridgeName())).doesNotContain(attacker.macAddress()).contains(victim.macAddress());

        // IPv4 with the victim's source address out of the attacker's port (no ARP needed: the observer's MAC is set by hand).
        // Had it passed, the observer would have asked for the victim's MAC to answer, and would hold a neighbour entry for it.
        run("ip", "netns", "exec", inAttacker, "ip", "neigh", "replace", observer.ipv4Address(), "lladdr", observer.macAddress(), "dev", "eth0", "nud", "permanent");
        runIgnoringFailure("ip", "netns", "exec", inAttacker, "timeout", "5", "/bin/busybox", "ping", "-c", "2", "-W", "1", "-I", victim.ipv4Address(), observer.ipv4Address());
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_C), "ip", "neigh", "show", victim.ipv4Address())).isBlank();
    }

    @Test
    void anUnchangedPlanRepairsWhatWasRemovedBehindTheAgentsBack()
            throws Exception
    {
        applyPlan();
        network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        String firewall = run("nft", "list", "table", "inet", config.networkName());
        run("nft", "delete", "table", "inet", config.networkName());

        for (int sync = 0; sync < 15; sync++) {
            applyPlan();
        }

        assertThat(run("nft", "list", "table", "inet", config.networkName())).isEqualTo(firewall);
    }

    @Test
    void aPlanThatOnlyListsThisHostsOwnEndpointsRunsNoCommandAndAnEgressChangeOnlyTheFirewall()
            throws Exception
    {
        Path commandLog = directory.resolve("commands.log");
        // every host command goes through a shell that writes it down first
        network = new CniTaskNetwork(config, new NetworkCommands(List.of("sh", "-c", "echo \"$*\" >> " + commandLog + "; exec \"$@\"", "sh")), new NetworkCommands());
        NetworkPlan first = TestPlans.singleHost(subnet);
        network.apply(first);
        NetworkAttachment attachment = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        String firewall = run("nft", "list", "table", "inet", config.networkName());
        Files.writeString(commandLog, "");

        // the control plane lists the task it heard of from this host: nothing to do on this host
        NetworkPlan withOwnEndpoint = new NetworkPlan(first.taskCidr(), first.hostSubnet(), first.link(), first.peers(),
                List.of(new TaskEndpoint(attachment.ipv4Address(), ACCOUNT_1)), first.egress(), first.reachableServices());
        network.apply(withOwnEndpoint);

        assertThat(Files.readString(commandLog)).isEmpty();
        assertThat(run("nft", "list", "table", "inet", config.networkName())).isEqualTo(firewall);

        // an egress policy is the firewall's alone: one nft, and no ip for the bridge or the links
        network.apply(new NetworkPlan(first.taskCidr(), first.hostSubnet(), first.link(), first.peers(), withOwnEndpoint.endpoints(),
                Map.of(ACCOUNT_1, new EgressPolicy(List.of("192.0.2.0/24"))), first.reachableServices()));

        assertThat(Files.readAllLines(commandLog)).singleElement().asString().matches("(\\S*/)?nft -f -");
        assertThat(run("nft", "list", "table", "inet", config.networkName())).contains("192.0.2.0/24");
    }

    @Test
    void withoutAPlanTasksGetNoNetworkAndAFailedPlanSaysWhy()
            throws Exception
    {
        assertThat(network.setUp(TASK_A, ACCOUNT_1)).isEmpty();
        assertThat(network.taskIds()).isEmpty();

        NetworkPlan outside = new NetworkPlan("10.241.0.0/16", "10.99.0.0/24", TestPlans.singleHost(subnet).link(), List.of(), List.of(), Map.of(), List.of());
        assertThatThrownBy(() -> network.apply(outside)).isInstanceOf(NetworkException.class).hasMessageContaining("not inside the task CIDR");
        assertThatThrownBy(() -> network.setUp(TASK_A, ACCOUNT_1)).isInstanceOf(NetworkException.class).hasMessageContaining("not inside the task CIDR");
        assertThat(network.taskIds()).isEmpty();
    }

    private String fetch(NetworkAttachment server)
            throws Exception
    {
        serve(server);
        String url = "http://" + server.ipv4Address() + ":8080/hello.txt";
        return await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> wget(network.namespaceName(TASK_B), url), text -> !text.isEmpty());
    }

    private void serve(NetworkAttachment server)
            throws Exception
    {
        Path web = Files.createDirectories(directory.resolve("www"));
        Files.writeString(web.resolve("hello.txt"), "hello from task A\n");
        processes.add(httpd(network.namespaceName(TASK_A), "8080", web));
        // the server is up once a task of its own account can fetch from it through its loopback
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> wget(network.namespaceName(TASK_A), "http://127.0.0.1:8080/hello.txt"), text -> !text.isEmpty());
    }

    @Test
    void tearDownReleasesTheAddressWhenTheNamespaceIsAlreadyGone()
            throws Exception
    {
        applyPlan();
        NetworkAttachment attachment = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        // as after a reboot: the namespace vanished, the allocation on disk did not
        run("ip", "netns", "delete", network.namespaceName(TASK_A));

        network.tearDown(TASK_A);

        assertThat(allocatedAddresses()).doesNotContain(attachment.ipv4Address());
        assertThat(network.taskIds()).isEmpty();

    }

    /**
     * The address goes back without waiting for the kernel to remove the veth: what makes that safe is the firewall,
     * which passes nothing from or to a port it lists no task on. A process left in the namespace (one the runtime has
     * not killed yet) keeps the namespace and its veth on the bridge, and still gets nothing through.
     */
    @Test
    void aReleasedTasksPortPassesNothingEvenWithAProcessLeftInItsNamespace()
            throws Exception
    {
        applyPlan();
        NetworkAttachment leaving = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        NetworkAttachment staying = network.setUp(TASK_B, ACCOUNT_1).orElseThrow();
        Process left = new ProcessBuilder("ip", "netns", "exec", network.namespaceName(TASK_A), "sleep", "120")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(left);
        String inLeft = "/proc/" + left.pid() + "/ns/net";
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.readSymbolicLink(Path.of(inLeft)).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net"))));
        String veth = hostInterfaceOf(TASK_A);
        run("nsenter", "--net=" + inLeft, "timeout", "5", "/bin/busybox", "ping", "-c", "1", "-W", "2", staying.ipv4Address());
        run("ip", "netns", "exec", network.namespaceName(TASK_B), "timeout", "5", "/bin/busybox", "arping", "-c", "1", "-w", "2", "-I", "eth0", leaving.ipv4Address());

        network.tearDown(TASK_A);

        assertThat(allocatedAddresses()).doesNotContain(leaving.ipv4Address());
        assertThat(Path.of(leaving.networkNamespacePath())).doesNotExist();
        assertThat(linkExists(veth)).as("the process left keeps the namespace and its veth").isTrue();
        // nothing at all, ARP included, which the routed part of the firewall never sees
        assertThatThrownBy(() -> run("nsenter", "--net=" + inLeft, "timeout", "5", "/bin/busybox", "ping", "-c", "1", "-W", "2", staying.ipv4Address()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> run("nsenter", "--net=" + inLeft, "timeout", "5", "/bin/busybox", "arping", "-c", "1", "-w", "2", "-I", "eth0", staying.ipv4Address()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ping(network.namespaceName(TASK_B), leaving.ipv4Address())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> run("ip", "netns", "exec", network.namespaceName(TASK_B), "timeout", "5", "/bin/busybox", "arping", "-c", "1", "-w", "2", "-I", "eth0",
                leaving.ipv4Address())).isInstanceOf(IOException.class);

        // once the process is gone, so is the veth
        left.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !linkExists(veth));
    }

    @Test
    void setUpAfterACrashMidwayStartsAgainCleanly()
            throws Exception
    {
        applyPlan();
        NetworkAttachment first = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        // the namespace went, the state stayed: setUp must not keep a stale attachment or leak the address
        run("ip", "netns", "delete", network.namespaceName(TASK_A));

        NetworkAttachment second = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();

        assertThat(Path.of(second.networkNamespacePath())).exists();
        assertThat(allocatedAddresses()).containsExactly(second.ipv4Address());
        assertThat(first.networkNamespacePath()).isEqualTo(second.networkNamespacePath());
    }

    @Test
    void aTaskTakesAWarmNamespaceCutOffWhileItWaitedAndTheAgentsStopRemovesTheRest()
            throws Exception
    {
        network = new CniTaskNetwork(config, new NetworkCommands(), new NetworkCommands(), 2);
        applyPlan();
        // as the agent's start: the pool fills
        network.restore();
        await().atMost(Duration.ofSeconds(60)).until(() -> warmNamespaces().size() == 2 && idlePorts().size() == 2);
        List<String> warm = warmNamespaces();
        String waiting = addressIn(warm.get(1));

        NetworkAttachment server = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        NetworkAttachment client = network.setUp(TASK_B, ACCOUNT_1).orElseThrow();

        // made warm, named as any task's namespace (an alias of the warm one, which keeps its name, so no process renames
        // it), with the task's identity in the firewall and its port no longer idle
        assertThat(server.networkNamespacePath()).isEqualTo("/run/netns/" + network.namespaceName(TASK_A));
        Path serverName = Path.of(server.networkNamespacePath());
        assertThat(serverName).isSymbolicLink();
        assertThat(Files.readSymbolicLink(serverName).toString()).isIn(warm);
        assertThat(warmNamespaces()).doesNotContain(Files.readSymbolicLink(serverName).toString());
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_A), "ip", "link", "show", "lo")).contains("UP");
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_A), "ip", "-4", "addr", "show", "eth0")).contains(server.ipv4Address() + "/24");
        assertThat(run("nft", "list", "table", "bridge", config.networkName())).contains(server.macAddress()).contains(server.ipv4Address());
        assertThat(idlePorts()).doesNotContain(new CniBridgeConfigs(config).hostInterface(stateOf(TASK_A)).orElseThrow());
        assertThat(fetch(server)).isEqualTo("hello from task A\n");

        // one that waits (made after the two were taken) is cut off: a task cannot reach it
        await().atMost(Duration.ofSeconds(60)).until(() -> warmNamespaces().size() == 2 && idlePorts().size() == 2);
        String idle = addressIn(warmNamespaces().get(0));
        assertThat(idle).isNotIn(server.ipv4Address(), client.ipv4Address());
        assertThatThrownBy(() -> ping(network.namespaceName(TASK_B), idle)).isInstanceOf(IOException.class);
        assertThat(waiting).isIn(server.ipv4Address(), client.ipv4Address());

        List<String> released = List.of(hostInterfaceOf(TASK_A), hostInterfaceOf(TASK_B));
        network.tearDown(TASK_A);
        network.tearDown(TASK_B);
        assertThat(network.releaseWarm()).isEmpty();

        assertThat(warmNamespaces()).isEmpty();
        assertThat(namespacesOfThisBridge()).isEmpty();
        assertThat(allocatedAddresses()).isEmpty();
        // no warm namespace's port is cut off any more; the released tasks' stay so until a render finds them gone
        assertThat(idlePorts()).isSubsetOf(released);
    }

    @Test
    void aRestartedAgentRemovesTheWarmNamespacesAnEarlierOneLeft()
            throws Exception
    {
        network = new CniTaskNetwork(config, new NetworkCommands(), new NetworkCommands(), 2);
        applyPlan();
        network.restore();
        await().atMost(Duration.ofSeconds(60)).until(() -> warmNamespaces().size() == 2 && allocatedAddresses().size() == 2);

        NetworkAttachment kept = network.setUp(TASK_A, ACCOUNT_1).orElseThrow();
        String keptWarm = Files.readSymbolicLink(Path.of(kept.networkNamespacePath())).toString();
        await().atMost(Duration.ofSeconds(60)).until(() -> warmNamespaces().size() == 2);
        // as a crash between the task's state and its alias: the name is not there yet
        Files.delete(Path.of(kept.networkNamespacePath()));

        // the agent crashed: the next one, with no pool of its own, removes the pool's as it starts; the task it no longer
        // has keeps its namespace (under its name again) until the orphan cleanup tears it down
        network = new CniTaskNetwork(config);
        network.restore();

        assertThat(warmNamespaces()).isEmpty();
        assertThat(allocatedAddresses()).containsExactly(kept.ipv4Address());
        assertThat(Files.readSymbolicLink(Path.of(kept.networkNamespacePath())).toString()).isEqualTo(keptWarm);
        assertThat(run("ip", "netns", "exec", network.namespaceName(TASK_A), "ip", "-4", "addr", "show", "eth0")).contains(kept.ipv4Address() + "/24");
        network.tearDown(TASK_A);
        assertThat(namespacesOfThisBridge()).isEmpty();
        assertThat(allocatedAddresses()).isEmpty();
    }

    @Test
    void aWarmNamespaceThatCannotTakeItsTasksNameFailsTheSetUpAndLeavesNothing()
            throws Exception
    {
        network = new CniTaskNetwork(config, new NetworkCommands(), new NetworkCommands(), 1);
        applyPlan();
        network.restore();
        await().atMost(Duration.ofSeconds(60)).until(() -> warmNamespaces().size() == 1 && idlePorts().size() == 1);
        String taken = warmNamespaces().get(0);
        // fault injection: the task's name is held by a directory that is not empty, so its alias cannot be made
        Path blocker = Path.of("/run/netns", network.namespaceName(TASK_A));
        Files.createDirectories(blocker.resolve("blocker"));
        try {
            assertThatThrownBy(() -> network.setUp(TASK_A, ACCOUNT_1))
                    .isInstanceOf(NetworkException.class)
                    .hasMessageContaining("cannot name the network namespace " + taken + " " + network.namespaceName(TASK_A));

            assertThat(network.taskIds()).isEmpty();
            assertThat(Path.of("/run/netns", taken)).doesNotExist();
            assertThat(blocker.resolve("blocker")).as("what held the name is not the agent's to remove").isDirectory();
        }
        finally {
            Files.delete(blocker.resolve("blocker"));
            Files.delete(blocker);
        }
        // the next warm one is made again; the stop removes it and nothing is left
        await().atMost(Duration.ofSeconds(60)).until(() -> warmNamespaces().size() == 1);
        assertThat(network.releaseWarm()).isEmpty();
        assertThat(warmNamespaces()).isEmpty();
        assertThat(allocatedAddresses()).isEmpty();
    }

    /** The warm namespaces of this test's bridge that no task has (a task's name is an alias of the one it took), by name. */
    private List<String> warmNamespaces()
            throws IOException
    {
        List<String> taken = new ArrayList<>();
        for (String name : namespacesOfThisBridge()) {
            Path path = Path.of("/run/netns", name);
            if (Files.isSymbolicLink(path)) {
                taken.add(Files.readSymbolicLink(path).toString());
            }
        }
        return namespacesOfThisBridge().stream().filter(name -> name.startsWith(config.bridgeName() + "-warm-")).filter(name -> !taken.contains(name)).toList();
    }

    /** Every name under /run/netns of this test's bridge: tasks', their aliases and warm ones. */
    private List<String> namespacesOfThisBridge()
            throws IOException
    {
        try (Stream<Path> names = Files.list(Path.of("/run/netns"))) {
            return names.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(config.bridgeName() + "-")).sorted().toList();
        }
    }

    /** The ports the firewall holds idle. */
    private List<String> idlePorts()
            throws InterruptedException
    {
        String table;
        try {
            table = run("nft", "list", "set", "bridge", config.networkName(), "idle_ports");
        }
        catch (IOException e) {
            // no table: nothing is idle
            return List.of();
        }
        java.util.regex.Matcher ports = java.util.regex.Pattern.compile("\"(veth[^\"]+)\"").matcher(table);
        List<String> found = new ArrayList<>();
        while (ports.find()) {
            found.add(ports.group(1));
        }
        return found;
    }

    private static String addressIn(String namespace)
            throws IOException, InterruptedException
    {
        String shown = run("ip", "-n", namespace, "-4", "-o", "addr", "show", "eth0");
        java.util.regex.Matcher address = java.util.regex.Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/").matcher(shown);
        assertThat(address.find()).as("an address in " + namespace + ": " + shown).isTrue();
        return address.group(1);
    }

    private com.fasterxml.jackson.databind.JsonNode stateOf(String taskId)
            throws IOException
    {
        return io.berth.common.json.Json.mapper().readTree(config.stateDirectory().resolve("tasks").resolve(taskId + ".json").toFile()).path("addResult");
    }

    /** The task's veth on the bridge, as its state names it. */
    private String hostInterfaceOf(String taskId)
            throws IOException
    {
        return new CniBridgeConfigs(config).hostInterface(stateOf(taskId)).orElseThrow();
    }

    private static boolean linkExists(String name)
            throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("ip", "link", "show", "dev", name).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() == 0;
    }

    private List<String> allocatedAddresses()
            throws IOException
    {
        Path allocations = config.stateDirectory().resolve("ipam").resolve(config.networkName());
        if (!Files.isDirectory(allocations)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(allocations)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))
                    .toList();
        }
    }
}
