package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;
import io.berth.testing.BerthProcess;
import io.berth.testing.BerthJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The task network of a fleet: three agents, each in its own network namespace, joined to `berth server`, and two
 * tenant accounts. Every task address comes from its host's slice of the cluster's task CIDR; tasks of one account
 * reach each other on every host (VXLAN between the hosts, no NAT); tasks of another account get no packet through,
 * by ICMP, TCP or UDP, on one host or across hosts, even when they forge ARP answers or source addresses; no task
 * reaches its host's services (a listener on 0.0.0.0, the agent's port, 169.254.169.254) except the task metadata
 * endpoint; the operator can deny an account's egress; a host lost and back gets its peers again.
 *
 * <p>Probes run inside the tasks' own network namespaces (nsenter --net, as root there), which is what a process
 * in the task's containers sees of the network, with every capability a hostile container could have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskNetworkEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** The control plane pushes a new task's address to the other hosts within a sync: allow a few seconds. */
    private static final Duration PROPAGATION = Duration.ofSeconds(20);
    private static final String CLUSTER = TestFleet.CLUSTER;
    private static final int WEB_PORT = 8080;
    private static final int HOST_LISTENER_PORT = 18181;
    private static final String METADATA_ADDRESS = "169.254.169.254";
    /** Probes at once: each is a short-lived nsenter and busybox that mostly waits for an answer. */
    private static final int PROBE_PARALLELISM = 16;

    private TestFleet fleet;
    private Path scratch;
    private EcsClient tenantA;
    private EcsClient tenantB;
    private String accountB;
    private final List<WebTask> tasksOfA = new ArrayList<>();
    private final List<WebTask> tasksOfB = new ArrayList<>();

    /** A running task of the web family: where it runs and its network. */
    private record WebTask(String taskArn, int hostIndex, String address, String namespace)
    {
        TaskNamespaceProbe probe()
        {
            return TaskNamespaceProbe.of(namespace);
        }
    }

    @BeforeAll
    void startFleetAndTasks()
            throws Exception
    {
        scratch = Files.createTempDirectory("berth-net-e2e");
        fleet = TestFleet.start(3, options -> options.withAgentCapacity(4096, 4096));
        AccountKeys a = createAccount("net-tenant-a");
        AccountKeys b = createAccount("net-tenant-b");
        accountB = b.accountId();
        tenantA = tenantClient(a);
        tenantB = tenantClient(b);
        tasksOfA.addAll(runWebTasks(tenantA, "account-a", 6));
        tasksOfB.addAll(runWebTasks(tenantB, "account-b", 3));
    }

    @AfterAll
    void stopFleet()
            throws Exception
    {
        try {
            // the fleet stops the operator's tasks; the tenants' are stopped here
            for (EcsClient tenant : new EcsClient[] {tenantA, tenantB}) {
                if (tenant != null) {
                    stopAllTasks(tenant);
                    tenant.close();
                }
            }
        }
        finally {
            if (fleet != null) {
                fleet.close();
            }
            if (scratch != null) {
                io.berth.common.files.FileTrees.deleteRecursively(scratch);
            }
        }
        // the agents' namespaces went with the fleet, and with them their bridges, links, routes and nftables
        assertThat(netnsNames()).noneMatch(name -> name.startsWith(fleet.network().bridgeName()));
    }

    @Test
    @Order(1)
    void everyTaskGetsAnAddressOfItsOwnFromItsHostsSlice()
            throws Exception
    {
        Map<String, String> sliceOfHost = hostSlices();
        assertThat(new HashSet<>(sliceOfHost.values())).as("one slice per host").hasSize(3);
        List<WebTask> all = new ArrayList<>(tasksOfA);
        all.addAll(tasksOfB);
        assertThat(all.stream().map(WebTask::address).distinct()).as("addresses of nine tasks on three hosts").hasSize(9);
        for (WebTask task : all) {
            String slice = sliceOfHost.get(fleet.hostId(task.hostIndex()));
            assertThat(inCidr(task.address(), slice)).as("%s in slice %s of its host", task.address(), slice).isTrue();
        }
        assertThat(tasksOfA.stream().map(WebTask::hostIndex).distinct()).as("account A's tasks on every host").hasSize(3);
    }

    @Test
    @Order(2)
    void tasksOfOneAccountReachEachOtherOnEveryHostWithoutNat()
            throws Exception
    {
        WebTask from = tasksOfA.get(0);
        // RUNNING says a task's process started, not that its web server listens yet: each answers itself first
        for (WebTask task : tasksOfA) {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(task.probe().httpGet(task.address(), WEB_PORT, "/")).as("page of %s from its own namespace", task.address()).contains("account-a"));
        }
        for (WebTask to : tasksOfA.subList(1, tasksOfA.size())) {
            try {
                await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(from.probe().httpGet(to.address(), WEB_PORT, "/")).as("page of %s (host %d) from host %d", to.address(), to.hostIndex(), from.hostIndex())
                                .contains("account-a"));
            }
            catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("page of " + to.address() + " (host " + to.hostIndex() + ") from " + from.address() + " (host " + from.hostIndex() + ") not reached within "
                        + PROPAGATION.toSeconds() + " s; ping " + from.probe().pings(to.address()) + "\nthe client's neighbours:\n" + from.probe().ip("-4", "neigh")
                        + "\n" + networkState(from.hostIndex()) + "\n" + networkState(to.hostIndex()), e);
            }
            assertThat(from.probe().pings(to.address())).as("ping %s", to.address()).isTrue();
            assertThat(from.probe().udpReaches(to.address())).as("UDP to %s", to.address()).isTrue();
        }
        // no NAT between tasks: the server's side of a connection names the client's own task address
        WebTask remote = tasksOfA.stream().filter(task -> task.hostIndex() != from.hostIndex()).findFirst().orElseThrow();
        assertThat(from.probe().httpGet(remote.address(), WEB_PORT, "/")).contains("account-a");
        // (busybox httpd listens on IPv6 too, so netstat may print the client's address IPv4-mapped, ::ffff:A.B.C.D)
        assertThat(remote.probe().netstat()).as("connections seen by %s", remote.address())
                .containsPattern("[ :]" + java.util.regex.Pattern.quote(from.address()) + ":\\d+ ");
        // routed by the hosts, not bridged across them: the server knows only its gateway's MAC address
        assertThat(remote.probe().ip("neigh")).doesNotContain(from.address());

        // a task that starts now: the other hosts with tasks of its account are told that only their network changed, and
        // get their plan alone (no sync, no write of theirs), with the wake-up or fetched, to let it in. A host whose
        // heartbeat falls due at that moment syncs instead, so a few tasks may be needed before a plan alone shows
        double alonePlansBefore = fleet.controlPlaneMetrics().sum("berth_agent_network_plans_total", Map.of());
        for (int attempt = 0; attempt < 3 && fleet.controlPlaneMetrics().sum("berth_agent_network_plans_total", Map.of()) <= alonePlansBefore; attempt++) {
            WebTask late = runWebTasks(tenantA, "account-a", 1).getFirst();
            WebTask peer = tasksOfA.stream().filter(task -> task.hostIndex() != late.hostIndex()).findFirst().orElseThrow();
            await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(peer.probe().httpGet(late.address(), WEB_PORT, "/")).as("page of the late task %s from host %d", late.address(), peer.hostIndex())
                            .contains("account-a"));
            tenantA.stopTask(request -> request.cluster(CLUSTER).task(late.taskArn()));
            awaitStatus(tenantA, CLUSTER, late.taskArn(), "STOPPED", TIMEOUT);
        }
        assertThat(fleet.controlPlaneMetrics().sum("berth_agent_network_plans_total", Map.of())).as("network plans sent alone").isGreaterThan(alonePlansBefore);
    }

    @Test
    @Order(3)
    void tasksOfAnotherAccountGetNoPacketThroughOnOneHostOrAcrossHosts()
            throws Exception
    {
        // every target listens (RUNNING says a task's process started, not that its web server listens yet), so a
        // probe that gets nothing through was stopped on the way
        List<WebTask> all = new ArrayList<>(tasksOfA);
        all.addAll(tasksOfB);
        for (WebTask task : all) {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(task.probe().httpGet(task.address(), WEB_PORT, "/")).as("page of %s from its own namespace", task.address()).startsWith("account-"));
        }
        // and B's tasks reach each other across hosts (their addresses reached the other hosts)
        for (int i = 0; i < tasksOfB.size(); i++) {
            WebTask from = tasksOfB.get(i);
            WebTask to = tasksOfB.get((i + 1) % tasksOfB.size());
            await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(from.probe().httpGet(to.address(), WEB_PORT, "/")).as("page of %s from %s", to.address(), from.address()).contains("account-b"));
        }
        // a packet that must not arrive takes a probe's whole deadline to prove so: the probes are independent, and
        // run at once, each with its own deadline
        ConcurrentChecks probes = new ConcurrentChecks();
        for (WebTask intruder : tasksOfB) {
            for (WebTask target : tasksOfA) {
                String what = "account B on host " + intruder.hostIndex() + " to account A's " + target.address() + " on host " + target.hostIndex();
                probes.add("TCP " + what, () -> assertThat(intruder.probe().httpGet(target.address(), WEB_PORT, "/")).as("TCP " + what).isNull());
                probes.add("ICMP " + what, () -> assertThat(intruder.probe().pings(target.address())).as("ICMP " + what).isFalse());
                probes.add("UDP " + what, () -> assertThat(intruder.probe().udpReaches(target.address())).as("UDP " + what).isFalse());
            }
        }
        // and the other way round
        WebTask a = tasksOfA.get(0);
        for (WebTask b : tasksOfB) {
            probes.add("TCP account A to B's " + b.address(), () -> assertThat(a.probe().httpGet(b.address(), WEB_PORT, "/")).as("TCP account A to B's %s", b.address()).isNull());
            probes.add("ICMP account A to B's " + b.address(), () -> assertThat(a.probe().pings(b.address())).as("ICMP account A to B's %s", b.address()).isFalse());
        }
        // while B's own tasks reach each other across hosts, by each kind of probe, among the others: the probes can
        // succeed while they all run
        for (int i = 0; i < tasksOfB.size(); i++) {
            WebTask from = tasksOfB.get(i);
            WebTask to = tasksOfB.get((i + 1) % tasksOfB.size());
            String what = "account B on host " + from.hostIndex() + " to its own " + to.address() + " on host " + to.hostIndex();
            probes.add("TCP " + what, () -> assertThat(from.probe().httpGet(to.address(), WEB_PORT, "/")).as("TCP " + what).contains("account-b"));
            probes.add("ICMP " + what, () -> assertThat(from.probe().pings(to.address())).as("ICMP " + what).isTrue());
            probes.add("UDP " + what, () -> assertThat(from.probe().udpReaches(to.address())).as("UDP " + what).isTrue());
        }
        probes.runAll(PROBE_PARALLELISM, PROPAGATION.plus(TIMEOUT));
    }

    @Test
    @Order(4)
    void forgedArpAnswersAndSourceAddressesChangeNothing()
            throws Exception
    {
        int hostIndex = tasksOfB.get(0).hostIndex();
        WebTask intruder = tasksOfB.get(0);
        WebTask victim = tasksOfA.stream().filter(task -> task.hostIndex() == hostIndex).findFirst().orElseThrow();
        WebTask remoteOfA = tasksOfA.stream().filter(task -> task.hostIndex() != hostIndex).findFirst().orElseThrow();
        String gateway = gatewayOf(victim);
        String intruderMac = macOf(intruder);
        // the victim and the host know each other's real MAC addresses first
        assertThat(victim.probe().httpGet(remoteOfA.address(), WEB_PORT, "/")).contains("account-a");

        new ConcurrentChecks()
                .add("forge the gateway's address to the victim", () -> intruder.probe().forgeArpReplies(gateway, victim.address()))
                .add("forge the victim's address to the gateway", () -> intruder.probe().forgeArpReplies(victim.address(), gateway))
                .add("forge the remote peer's address to the victim", () -> intruder.probe().forgeArpReplies(remoteOfA.address(), victim.address()))
                .runAll(3, TIMEOUT);

        assertThat(victim.probe().ip("neigh", "show", gateway)).as("the victim's neighbour entry for its gateway").doesNotContain(intruderMac);
        TaskNamespaceProbe host = TaskNamespaceProbe.of(fleet.host(hostIndex).namespace());
        assertThat(host.ip("neigh", "show", victim.address())).as("the host's neighbour entry for the victim").doesNotContain(intruderMac);
        assertThat(victim.probe().httpGet(remoteOfA.address(), WEB_PORT, "/")).as("the victim's traffic still reaches its peer").contains("account-a");

        // IPv4 with the victim's source address, towards a task of the victim's account on another host
        intruder.probe().ip("addr", "add", victim.address() + "/32", "dev", "eth0");
        try {
            TaskNamespaceProbe target = remoteOfA.probe();
            long echoesBefore = target.icmpCounter("InEchos");
            ConcurrentChecks forgedPings = new ConcurrentChecks();
            for (int i = 0; i < 3; i++) {
                forgedPings.add("ping with a forged source " + i, () -> intruder.probe().pingsFrom(victim.address(), remoteOfA.address()));
            }
            forgedPings.runAll(3, TIMEOUT);
            assertThat(target.icmpCounter("InEchos")).as("echo requests with a forged source that reached %s", remoteOfA.address()).isEqualTo(echoesBefore);
            // the intruder now answers ARP requests for the victim's address too: the host must not believe it
            intruder.probe().forgeArpReplies(victim.address(), gateway);
            assertThat(victim.probe().httpGet(remoteOfA.address(), WEB_PORT, "/")).as("the victim's traffic still comes back to it").contains("account-a");
        }
        finally {
            intruder.probe().ip("addr", "del", victim.address() + "/32", "dev", "eth0");
        }
        // IPv6 is not given to tasks, and none leaves them
        assertThat(intruder.probe().ip("-6", "addr", "show", "dev", "eth0")).doesNotContain("scope global");
    }

    @Test
    @Order(5)
    void tasksReachNoServiceOfTheirHostOrOtherHostsExceptTheMetadataEndpoint()
            throws Exception
    {
        WebTask task = tasksOfA.get(0);
        int hostIndex = task.hostIndex();
        int otherIndex = (hostIndex + 1) % 3;
        TaskNamespaceProbe host = TaskNamespaceProbe.of(fleet.host(hostIndex).namespace());
        TaskNamespaceProbe otherHost = TaskNamespaceProbe.of(fleet.host(otherIndex).namespace());
        host.ip("addr", "add", METADATA_ADDRESS + "/32", "dev", "lo");
        List<Process> listeners = new ArrayList<>();
        try {
            listeners.add(host.startHttpServer("0.0.0.0", HOST_LISTENER_PORT, scratch.resolve("host-listener"), "host service"));
            listeners.add(otherHost.startHttpServer("0.0.0.0", HOST_LISTENER_PORT, scratch.resolve("other-host-listener"), "other host service"));
            listeners.add(host.startHttpServer(METADATA_ADDRESS, 80, scratch.resolve("link-local"), "instance metadata"));
            // the listeners answer on the hosts themselves: the probes below can fail only by the task network's rules
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(host.httpGet("127.0.0.1", HOST_LISTENER_PORT, "/")).contains("host service");
                assertThat(host.httpGet(METADATA_ADDRESS, 80, "/")).contains("instance metadata");
                assertThat(otherHost.httpGet(fleet.host(otherIndex).address(), HOST_LISTENER_PORT, "/")).contains("other host service");
            });
            String gateway = gatewayOf(task);
            // each probe that gets no answer waits out its deadline: they run at once
            ConcurrentChecks unreachable = new ConcurrentChecks()
                    .add("host listener on the task gateway", () ->
                            assertThat(task.probe().answersHttp(gateway, HOST_LISTENER_PORT)).as("host listener on the task gateway").isFalse())
                    .add("host listener on the host's address", () ->
                            assertThat(task.probe().answersHttp(fleet.host(hostIndex).address(), HOST_LISTENER_PORT)).as("host listener on the host's address").isFalse())
                    .add("listener of another host", () ->
                            assertThat(task.probe().answersHttp(fleet.host(otherIndex).address(), HOST_LISTENER_PORT)).as("listener of another host").isFalse())
                    .add(METADATA_ADDRESS, () -> assertThat(task.probe().answersHttp(METADATA_ADDRESS, 80)).as(METADATA_ADDRESS).isFalse())
                    .add("ping of the host", () -> assertThat(task.probe().pings(gateway)).as("ping of the host").isFalse());
            int agentPort = hostAdmin(fleet.hostId(hostIndex)).path("agentPort").asInt();
            if (agentPort > 0) {
                unreachable.add("the agent's port", () -> assertThat(task.probe().answersHttp(fleet.host(hostIndex).address(), agentPort)).as("the agent's port").isFalse());
            }
            unreachable.runAll(PROBE_PARALLELISM, TIMEOUT);
            // the task metadata endpoint still answers (it refuses a request without a token, but answers)
            assertThat(task.probe().answersHttp(gateway, 51680)).as("task metadata endpoint").isTrue();
            // and the containers read their own metadata: each web task saved its TaskARN at start
            assertThat(task.probe().httpGet(task.address(), WEB_PORT, "/metadata.json")).contains("\"TaskARN\":\"" + task.taskArn() + "\"");
            // the control plane's API stays reachable, as AWS's is from Fargate tasks
            assertThat(task.probe().answersHttp(fleet.network().hostAddress(), fleet.endpoint().getPort())).as("the control plane's API").isTrue();
        }
        finally {
            for (Process listener : listeners) {
                listener.destroyForcibly().waitFor();
            }
            host.ip("addr", "del", METADATA_ADDRESS + "/32", "dev", "lo");
        }
    }

    @Test
    @Order(6)
    void deniedEgressStopsAnAccountsOutboundTrafficAndNoOneElses()
            throws Exception
    {
        // the test registry is outside the cluster's task network, on the machine's side of the test network
        String outside = fleet.network().hostAddress();
        int registryPort = Integer.parseInt(fleet.image().substring(fleet.image().indexOf(':') + 1, fleet.image().indexOf('/')));
        WebTask b = tasksOfB.get(0);
        WebTask a = tasksOfA.get(0);
        assertThat(b.probe().answersHttp(outside, registryPort)).as("B reaches outside before").isTrue();
        try {
            assertThat(berth("account", "set-egress", accountB, "--deny-all").exitCode()).isZero();
            await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(b.probe().answersHttp(outside, registryPort)).as("B reaches outside after --deny-all").isFalse());
            assertThat(a.probe().answersHttp(outside, registryPort)).as("A still reaches outside").isTrue();
            assertThat(b.probe().answersHttp(outside, fleet.endpoint().getPort())).as("B still reaches the control plane's API").isTrue();
            assertThat(b.probe().httpGet(tasksOfB.get(1).address(), WEB_PORT, "/")).as("B's tasks still reach each other").contains("account-b");

            assertThat(berth("account", "set-egress", accountB, "--allow", outside + "/32").exitCode()).isZero();
            await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(b.probe().answersHttp(outside, registryPort)).as("B reaches an allowed network").isTrue());
        }
        finally {
            assertThat(berth("account", "set-egress", accountB, "--allow-all").exitCode()).isZero();
        }
        BerthProcess.Result bad = berth("account", "set-egress", accountB, "--allow", "10.0.0.0/33");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr()).contains("10.0.0.0/33");
    }

    @Test
    @Order(7)
    void aHostLostAndBackGetsItsPeersAgain()
            throws Exception
    {
        int lostIndex = 2;
        String lostHost = fleet.hostId(lostIndex);
        WebTask survivor = tasksOfA.stream().filter(task -> task.hostIndex() != lostIndex).findFirst().orElseThrow();
        String lostSlice = hostSlices().get(lostHost);
        TaskNamespaceProbe survivorHost = TaskNamespaceProbe.of(fleet.host(survivor.hostIndex()).namespace());
        assertThat(survivorHost.ip("route", "show", lostSlice)).as("route to the slice of host %s", lostHost).isNotBlank();

        fleet.killAgent(lostIndex);
        await().atMost(TestFleet.HOST_LOST_AFTER.plus(TIMEOUT)).pollInterval(Duration.ofMillis(500))
                .until(() -> hostAdmin(lostHost).path("state").asText(), "LOST"::equals);
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(survivorHost.ip("route", "show", lostSlice)).as("route to the lost host's slice").isBlank());

        fleet.restartAgent(lostIndex);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> hostAdmin(lostHost).path("state").asText(), "ACTIVE"::equals);
        assertThat(hostSlices().get(lostHost)).as("the host keeps its slice").isEqualTo(lostSlice);
        // its old tasks were recorded STOPPED while it was lost: a new task of A there is reached from the other hosts
        List<WebTask> placed = runWebTasks(tenantA, "account-a", 3);
        WebTask onReturned = placed.stream().filter(task -> task.hostIndex() == lostIndex).findFirst().orElseThrow();
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(survivor.probe().httpGet(onReturned.address(), WEB_PORT, "/")).contains("account-a"));
    }

    @Test
    @Order(8)
    void aRemovedHostLeavesItsPeersAndAHostThatJoinsGetsThem()
            throws Exception
    {
        int index = 1;
        String removedHost = fleet.hostId(index);
        String slice = hostSlices().get(removedHost);
        WebTask survivor = tasksOfA.stream().filter(task -> task.hostIndex() == 0).findFirst().orElseThrow();
        TaskNamespaceProbe survivorHost = TaskNamespaceProbe.of(fleet.host(0).namespace());
        assertThat(survivorHost.ip("route", "show", slice)).isNotBlank();

        // the operator forgets the host, tasks and all
        List<WebTask> onRemoved = new ArrayList<>(tasksOfA.stream().filter(task -> task.hostIndex() == index).toList());
        tasksOfB.stream().filter(task -> task.hostIndex() == index).forEach(onRemoved::add);
        assertThat(onRemoved).isNotEmpty();
        BerthProcess.Result removed = berth("host", "rm", removedHost, "--force");
        assertThat(removed.exitCode()).as(removed.stderr()).isZero();
        assertThat(hostSlices()).doesNotContainKey(removedHost);
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(survivorHost.ip("route", "show", slice)).as("route to the removed host's slice").isBlank());
        // its agent, refused from then on, stops the tasks, removes the host's network and ends
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> !fleet.agentIsAlive(index));
        TaskNamespaceProbe removedHostNamespace = TaskNamespaceProbe.of(fleet.host(index).namespace());
        assertThat(removedHostNamespace.ip("-o", "link", "show")).as("links left on the removed host")
                .doesNotContain(fleet.network().bridgeName() + ":").doesNotContain(fleet.network().bridgeName() + ".vx");
        assertThat(netnsNames()).as("network namespaces of the removed host's tasks")
                .doesNotContainAnyElementsOf(onRemoved.stream().map(WebTask::namespace).toList());
        assertThat(fleet.containerIds(index)).as("containers left on the removed host").isEmpty();
        assertThat(removedHostNamespace.nft("list", "tables")).as("nftables tables left on the removed host").doesNotContain("berth-");

        // it joins again as a new host: it gets a slice, every other host gets it as a peer, and its tasks are reached
        fleet.rejoinAgent(index);
        // (its credential file appears once it joined)
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> !fleet.hostId(index).equals(removedHost)
                && "ACTIVE".equals(hostAdmin(fleet.hostId(index)).path("state").asText()));
        String newSlice = hostSlices().get(fleet.hostId(index));
        assertThat(newSlice).isNotNull();
        List<WebTask> placed = runWebTasks(tenantA, "account-a", 3);
        WebTask onJoined = placed.stream().filter(task -> task.hostIndex() == index).findFirst().orElseThrow();
        assertThat(inCidr(onJoined.address(), newSlice)).isTrue();
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(survivor.probe().httpGet(onJoined.address(), WEB_PORT, "/")).contains("account-a"));
    }

    /** What a host's task network looks like, for a failure message: routes, peers and the firewall's endpoint sets. */
    private String networkState(int hostIndex)
            throws Exception
    {
        TaskNamespaceProbe host = TaskNamespaceProbe.of(fleet.host(hostIndex).namespace());
        String table = "berth-" + fleet.network().bridgeName();
        return "host " + hostIndex + " routes:\n" + host.ip("-4", "route") + "\nbridge:\n" + host.ip("-o", "link", "show", "dev", fleet.network().bridgeName())
                + "\nneighbours:\n" + host.ip("-4", "neigh")
                + "\nendpoint_owner:\n" + host.nft("list", "set", "inet", table, "endpoint_owner")
                + "\ntask_identity:\n" + host.nft("list", "set", "bridge", table, "task_identity");
    }

    private static void stopAllTasks(EcsClient ecs)
    {
        List<String> running = ecs.listTasks(request -> request.cluster(CLUSTER)).taskArns();
        running.forEach(arn -> ecs.stopTask(request -> request.cluster(CLUSTER).task(arn)));
        if (!running.isEmpty()) {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() ->
                    ecs.describeTasks(request -> request.cluster(CLUSTER).tasks(running)).tasks().stream().allMatch(task -> task.lastStatus().equals("STOPPED")));
        }
    }

    private List<WebTask> runWebTasks(EcsClient ecs, String text, int count)
            throws Exception
    {
        String definition = ecs.registerTaskDefinition(request -> request.family("web").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").networkMode("awsvpc")
                        .containerDefinitions(ContainerDefinition.builder().name("web").image(fleet.image())
                                .command("sh", "-c", "mkdir -p /tmp/www; echo " + text + " > /tmp/www/index.html; "
                                        + "timeout 10 wget -q -O /tmp/www/metadata.json \"$ECS_CONTAINER_METADATA_URI_V4/task\"; "
                                        + "httpd -p " + WEB_PORT + " -h /tmp/www; trap 'exit 0' TERM; sleep 600 & wait")
                                .stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
        RunTaskResponse response = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).count(count)
                .placementStrategy(PlacementStrategy.builder().type(PlacementStrategyType.SPREAD).field("instanceId").build()));
        assertThat(response.failures()).isEmpty();
        List<WebTask> tasks = new ArrayList<>();
        for (Task task : response.tasks()) {
            Task running = awaitStatus(ecs, CLUSTER, task.taskArn(), "RUNNING", TIMEOUT);
            String address = running.containers().get(0).networkInterfaces().get(0).privateIpv4Address();
            String taskId = task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1);
            int hostIndex = fleet.indexOfHost(fleet.hostOfTask(task.taskArn()));
            tasks.add(new WebTask(task.taskArn(), hostIndex, address, fleet.network().bridgeName() + "-" + taskId));
        }
        return tasks;
    }

    /** The host's slice of the task CIDR, by host id, as `berth host ls -o json` shows it. */
    private Map<String, String> hostSlices()
            throws Exception
    {
        BerthProcess.Result listed = berth("host", "ls", "-o", "json");
        assertThat(listed.exitCode()).as(listed.stderr()).isZero();
        Map<String, String> slices = new LinkedHashMap<>();
        for (JsonNode host : Json.mapper().readTree(listed.stdout())) {
            slices.put(host.path("hostId").asText(), host.path("taskSubnet").asText(null));
        }
        return slices;
    }

    private JsonNode hostAdmin(String hostId)
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin("GET", "/berth/hosts/" + hostId, Map.of(), null);
        }
    }

    private AccountKeys createAccount(String name)
    {
        try (BerthClient client = fleet.signedClient()) {
            JsonNode created = client.admin("POST", "/berth/accounts", Map.of(), Json.mapper().createObjectNode().put("name", name));
            return new AccountKeys(created.path("accountId").asText(), created.path("accessKeyId").asText(), created.path("secretAccessKey").asText());
        }
    }

    private EcsClient tenantClient(AccountKeys keys)
    {
        EcsClient ecs = EcsClient.builder()
                .endpointOverride(fleet.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        ecs.createCluster(request -> request.clusterName(CLUSTER));
        return ecs;
    }

    /** `berth ARGS` as the operator. */
    private BerthProcess.Result berth(String... arguments)
            throws Exception
    {
        return BerthProcess.run(BerthJvm.forTests(), Optional.empty(), List.of(arguments), fleet.operatorEnvironment());
    }

    private static String gatewayOf(WebTask task)
            throws Exception
    {
        String route = task.probe().ip("-4", "route", "show", "default");
        // "default via 10.213.1.1 dev eth0"
        String[] words = route.strip().split("\\s+");
        return words[2];
    }

    private static String macOf(WebTask task)
            throws Exception
    {
        String link = task.probe().ip("-o", "link", "show", "dev", "eth0");
        int at = link.indexOf("link/ether ");
        return link.substring(at + "link/ether ".length(), at + "link/ether ".length() + 17);
    }

    private static boolean inCidr(String address, String cidr)
    {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return (toLong(address) & mask) == (toLong(parts[0]) & mask);
    }

    private static long toLong(String address)
    {
        long value = 0;
        for (String octet : address.split("\\.")) {
            value = (value << 8) | Integer.parseInt(octet);
        }
        return value;
    }

    private static List<String> netnsNames()
            throws Exception
    {
        try (var names = Files.list(Path.of("/run/netns"))) {
            return names.map(path -> path.getFileName().toString()).toList();
        }
    }
}
