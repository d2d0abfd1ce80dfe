package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.rootfs.LoopDeviceTaskStorage;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.testing.BerthProcess;
import io.berth.testing.LocalFleet;
import io.berth.testing.LocalFleetOptions;
import io.berth.testing.NetnsHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A fleet on this machine for end-to-end tests: a {@link LocalFleet} (a private test network, a registry with the
 * busybox test image, `berth server` and one `berth agent` per test host, each in its own network namespace) with
 * a cluster, and what tests look at: the control plane's store, the agents' runtimes. close() stops every task,
 * stops the processes, removes whatever a crash may have left (containers, mounts, cgroups), and removes the
 * network.
 */
final class TestFleet
        implements AutoCloseable
{
    static final String CLUSTER = "fleet";
    private static final Logger log = LoggerFactory.getLogger(TestFleet.class);
    /** Cpu units and memory each agent offers: two tasks of 256 cpu units and 512 MiB fill a host's memory. */
    static final int HOST_CPU = 1024;
    static final int HOST_MEMORY_MIB = 1024;
    /** The agent started with --attribute disk=ssd. */
    static final int SSD_HOST = 2;
    /** `berth server --placement-timeout`: how long a task waits for a host with room. */
    static final Duration PLACEMENT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * `berth server --host-lost-after`: long enough for a SIGKILLed agent to restart and heartbeat again before its
     * host is called lost, short enough to wait for in a test.
     */
    static final Duration HOST_LOST_AFTER = Duration.ofSeconds(10);

    private final LocalFleet fleet;

    private TestFleet(LocalFleet fleet)
    {
        this.fleet = fleet;
    }

    static TestFleet start(int hostCount)
            throws Exception
    {
        return start(hostCount, UnaryOperator.identity());
    }

    /** As {@link #start(int)}, with the fleet's options changed by tuning (more capacity, other server options). */
    static TestFleet start(int hostCount, UnaryOperator<LocalFleetOptions> tuning)
            throws Exception
    {
        LocalFleetOptions options = tuning.apply(LocalFleetOptions.forTests(hostCount)
                .withAgentCapacity(HOST_CPU, HOST_MEMORY_MIB)
                .withServerArguments(List.of("--placement-timeout", PLACEMENT_TIMEOUT.toSeconds() + "s", "--host-lost-after", HOST_LOST_AFTER.toSeconds() + "s"))
                // each agent's task bridge (in its own namespace) takes the name of a link the machine's namespace already
                // has, the test network's bridge: an agent must look up its links in its own namespace
                .withAgentArguments((index, network) -> index == SSD_HOST
                        ? List.of("--bridge", network.bridgeName(), "--attribute", "disk=ssd")
                        : List.of("--bridge", network.bridgeName())));
        TestFleet started = new TestFleet(LocalFleet.start(options));
        try {
            try (EcsClient ecs = started.operatorClient()) {
                ecs.createCluster(request -> request.clusterName(CLUSTER));
            }
            return started;
        }
        catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    URI endpoint()
    {
        return fleet.endpoint();
    }

    String image()
    {
        return fleet.image();
    }

    String token()
    {
        return fleet.token();
    }

    NetnsHost host(int index)
    {
        return fleet.host(index);
    }

    int size()
    {
        return fleet.size();
    }

    Path serverDirectory()
    {
        return fleet.serverDirectory();
    }

    Path agentDirectory(int index)
    {
        return fleet.agentDirectory(index);
    }

    HostCredential credential(int index)
            throws IOException
    {
        return fleet.credential(index);
    }

    String hostId(int index)
            throws IOException
    {
        return fleet.hostId(index);
    }

    int indexOfHost(String hostId)
            throws IOException
    {
        for (int i = 0; i < fleet.size(); i++) {
            if (hostId(i).equals(hostId)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no agent of this fleet is host " + hostId);
    }

    EcsClient operatorClient()
    {
        return operatorClient(0);
    }

    /** The operator's ECS client against control plane replica i. */
    EcsClient operatorClient(int replica)
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        return EcsClient.builder()
                .endpointOverride(fleet.endpoint(replica))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(httpClient())
                .build();
    }

    /** The SDK's HTTP client: trusting the fleet's cluster CA (as AWS_CA_BUNDLE tells the AWS CLI) when it serves TLS. */
    ApacheHttpClient.Builder httpClient()
    {
        return fleet.tls() ? SdkTrust.trusting(fleet.caCertificate()) : ApacheHttpClient.builder();
    }

    BerthClient signedClient()
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        return signedClient(operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"));
    }

    /**
     * A fleet whose control plane is `replicas` `berth server` processes on the PostgreSQL database postgres, each also
     * given serverArguments; tuning sets the rest of the options.
     */
    static TestFleet startOnPostgres(int agents, int replicas, io.berth.testing.TestPostgres postgres, UnaryOperator<LocalFleetOptions> tuning, String... serverArguments)
            throws Exception
    {
        return start(agents, options -> tuning.apply(options.withControlPlanes(replicas)
                .withServerArguments(Stream.concat(options.extraServerArguments().stream(), Stream.concat(Stream.of("--store", postgres.jdbcUrl()), Stream.of(serverArguments))).toList())));
    }

    /** Closes the fleet, then the store its replicas shared (either may be null: its start failed), also when the first fails. */
    static void closeReplicas(TestFleet fleet, AutoCloseable store)
            throws Exception
    {
        try {
            if (fleet != null) {
                fleet.close();
            }
        }
        finally {
            if (store != null) {
                store.close();
            }
        }
    }

    /** The berth CLI's signed client as the account of these keys. */
    BerthClient signedClient(String accessKeyId, String secretAccessKey)
    {
        return signedClient(0, accessKeyId, secretAccessKey);
    }

    /** The berth CLI's signed client as the operator, against control plane replica i. */
    BerthClient signedClient(int replica)
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        return signedClient(replica, operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"));
    }

    private BerthClient signedClient(int replica, String accessKeyId, String secretAccessKey)
    {
        return new BerthClient(new BerthClientConfig(endpoint(replica), new SigV4Credentials(accessKeyId, secretAccessKey), "us-east-1",
                fleet.tls() ? fleet.caCertificate() : null), Clock.systemUTC());
    }

    /** https://ADDRESS:PORT of the host's agent endpoint, as it announced it to the control plane. */
    URI agentEndpoint(String hostId)
    {
        try (BerthClient client = signedClient()) {
            JsonNode host = client.admin("GET", "/berth/hosts/" + hostId, Map.of(), null);
            return URI.create("https://" + host.path("address").asText() + ":" + host.path("agentPort").asInt());
        }
    }

    /** A GET of the agent endpoint with this Authorization, trusting the fleet's cluster CA, as the control plane calls it. */
    java.net.http.HttpResponse<String> callAgent(URI uri, String authorization)
            throws IOException, InterruptedException
    {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(io.berth.common.tls.TrustedCertificates.only(io.berth.common.tls.PemCertificates.read(fleet.caCertificate())))
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Authorization", authorization).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The Authorization of a GET of uri signed now with the current key of keys, as the control plane signs its calls to the host. */
    static String signedAgentCall(io.berth.controlplane.agents.access.AgentCallKeyRing keys, String hostId, URI uri)
    {
        return io.berth.common.hostauth.AgentCallSignature.sign(keys.current().privateKey(), hostId, "GET", uri.getRawPath(), uri.getRawQuery(), null,
                java.time.Instant.now());
    }

    /** The control plane's /metrics, read with the metrics token of its data directory as Prometheus would. */
    io.berth.testing.PrometheusText controlPlaneMetrics()
            throws IOException, InterruptedException
    {
        java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (fleet.tls()) {
            builder.sslContext(io.berth.common.tls.TrustedCertificates.only(io.berth.common.tls.PemCertificates.read(fleet.caCertificate())));
        }
        String token = "Bearer " + java.nio.file.Files.readString(serverDirectory().resolve(io.berth.common.metrics.MetricsToken.FILE_NAME)).strip();
        try (java.net.http.HttpClient http = builder.build()) {
            java.net.http.HttpResponse<String> scraped = http.send(java.net.http.HttpRequest.newBuilder(URI.create(endpoint() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", token).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (scraped.statusCode() != 200) {
                throw new IOException("GET /metrics answered " + scraped.statusCode() + ": " + scraped.body());
            }
            return io.berth.testing.PrometheusText.parse(scraped.body());
        }
    }

    /** The lines of the task's log, read through the control plane as client's account, once they include text (fails after 30 s). */
    static List<String> awaitLogLine(BerthClient client, String cluster, String taskArn, String text)
    {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
            JsonNode page = client.admin("GET", "/berth/tasks/" + BerthClient.pathSegment(taskId) + "/logs", Map.of("cluster", cluster), null);
            List<String> lines = new ArrayList<>();
            page.path("lines").forEach(line -> lines.add(line.path("text").asText()));
            return lines;
        }, lines -> lines.contains(text));
    }

    /** The fleet's cluster CA (DIR/tls/ca.pem of the server), when it serves TLS. */
    Path caCertificate()
    {
        return fleet.caCertificate();
    }

    LocalFleet localFleet()
    {
        return fleet;
    }

    Map<String, String> operatorEnvironment()
    {
        return fleet.operatorEnvironment();
    }

    void killAgent(int index)
            throws InterruptedException
    {
        fleet.killAgent(index);
    }

    /** Starts agent i again on its data directory, without a token: the stored credential must do. */
    void restartAgent(int index)
            throws IOException
    {
        fleet.restartAgent(index);
    }

    /** The ids of the containers in agent i's runtime, also when the agent has no host id any more. */
    List<String> containerIds(int index)
            throws IOException
    {
        return new RuncConmonRuntime(agentDirectory(index).resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON,
                "berth/none", Clock.systemUTC()).containerIds();
    }

    boolean agentIsAlive(int index)
    {
        return fleet.agent(index).isAlive();
    }

    /** The process id of agent i's current process. */
    long agentPid(int index)
    {
        return fleet.agent(index).pid().orElseThrow();
    }

    /** Starts agent i again as a new host: a new credential from the fleet's join token. */
    void rejoinAgent(int index)
            throws IOException
    {
        fleet.rejoinAgent(index);
    }

    void killServer()
            throws InterruptedException
    {
        fleet.killServer();
    }

    void restartServer()
            throws IOException, InterruptedException
    {
        fleet.restartServer();
    }

    /** The hosts the control plane has recorded, by id (read from its store, as `berth host ls` would show them). */
    Map<String, HostInfo> hosts()
            throws SQLException, IOException
    {
        Map<String, HostInfo> hosts = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + serverDirectory().resolve("berth.db"));
                ResultSet rows = connection.createStatement().executeQuery("SELECT host_id, info FROM hosts ORDER BY host_id")) {
            while (rows.next()) {
                hosts.put(rows.getString("host_id"), Json.mapper().readValue(rows.getString("info"), HostInfo.class));
            }
        }
        return hosts;
    }

    /** The private test network the hosts are on. */
    io.berth.testing.TestNetwork network()
    {
        return fleet.network();
    }

    /** The host the control plane placed the task on. */
    String hostOfTask(String taskArn)
            throws SQLException
    {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + serverDirectory().resolve("berth.db"));
                var statement = connection.prepareStatement("SELECT host_id FROM tasks WHERE task_id = ?")) {
            statement.setString(1, taskId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** The containers the runtime of agent i holds, with their status. */
    Map<String, Optional<ContainerStatus>> containers(int index)
            throws IOException
    {
        RuncConmonRuntime runtime = runtime(index);
        Map<String, Optional<ContainerStatus>> containers = new HashMap<>();
        for (String id : runtime.containerIds()) {
            containers.put(id, runtime.status(id));
        }
        return containers;
    }

    /** Containers, task networks (state, namespaces), overlay mounts and container cgroups left on any test host: empty when all is clean. */
    List<String> leftovers()
            throws IOException
    {
        List<String> leftovers = new ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
            leftovers.addAll(leftovers(i));
        }
        // the agents name their tasks' namespaces BRIDGE-TASKID (for a namespace made warm, an alias of its BRIDGE-warm-ID,
        // which it keeps); the warm ones a running agent keeps for its next tasks (in its pool's state) are its own, not
        // a task's: any other is left over
        Set<String> pooled = new HashSet<>();
        for (int i = 0; i < fleet.size(); i++) {
            pooled.addAll(warmNamespaces(i));
        }
        try (Stream<Path> namespaces = Files.list(Path.of("/run/netns"))) {
            namespaces.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(fleet.network().bridgeName() + "-"))
                    .filter(name -> !pooled.contains(name))
                    .forEach(name -> leftovers.add("network namespace " + name));
        }
        // the storage a running agent mounted ahead for its next tasks (its spares) is its own, not a task's
        Set<Path> spares = new HashSet<>();
        for (int i = 0; i < fleet.size(); i++) {
            spares.add(agentDirectory(i).resolve("storage").resolve(".spare"));
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            Path mountPoint = Path.of(HostLeftovers.unescapeMountPoint(line.split(" ")[4]));
            if (line.contains(fleet.root().toString()) && spares.stream().noneMatch(mountPoint::startsWith)) {
                leftovers.add("mount " + line);
            }
        }
        return leftovers;
    }

    /** Containers, task networks (namespace, address) and container cgroups left on test host i. */
    private List<String> leftovers(int index)
            throws IOException
    {
        List<String> leftovers = new ArrayList<>();
        runtime(index).containerIds().forEach(id -> leftovers.add("container " + id + " on test host " + index));
        new CniTaskNetwork(CniNetworkConfig.defaults(agentDirectory(index).resolve("network"))).taskIds()
                .forEach(taskId -> leftovers.add("network namespace and address of task " + taskId + " on test host " + index));
        Path cgroupParent = cgroupParent(index);
        if (Files.isDirectory(cgroupParent)) {
            try (Stream<Path> children = Files.list(cgroupParent)) {
                children.filter(Files::isDirectory).forEach(child -> leftovers.add("cgroup " + child));
            }
        }
        return leftovers;
    }

    private Path cgroupParent(int index)
            throws IOException
    {
        CgroupLayout layout = CgroupLayout.host();
        return layout.controllerDirectory("memory", "/berth/" + hostId(index));
    }

    private RuncConmonRuntime runtime(int index)
            throws IOException
    {
        return new RuncConmonRuntime(agentDirectory(index).resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON,
                "berth/" + hostId(index), Clock.systemUTC());
    }

    Path agentLogFile(int index)
    {
        return fleet.agent(index).logFile();
    }

    /** Control plane replicas (`berth server` processes on one store) this fleet runs. */
    int controlPlanes()
    {
        return fleet.controlPlanes();
    }

    URI endpoint(int replica)
    {
        return fleet.endpoint(replica);
    }

    BerthProcess server(int replica)
    {
        return fleet.server(replica);
    }

    Path serverDirectory(int replica)
    {
        return fleet.serverDirectory(replica);
    }

    /** Stops every task through the control plane and waits until the agents report them STOPPED. */
    void stopAllTasks(Duration timeout)
    {
        stopAllTasks(0, timeout);
    }

    /** As {@link #stopAllTasks(Duration)}, through control plane replica i. */
    void stopAllTasks(int replica, Duration timeout)
    {
        try (EcsClient ecs = operatorClient(replica)) {
            List<String> running = ecs.listTasks(request -> request.cluster(CLUSTER).desiredStatus(DesiredStatus.RUNNING)).taskArns();
            running.forEach(arn -> ecs.stopTask(request -> request.cluster(CLUSTER).task(arn)));
            if (!running.isEmpty()) {
                await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() ->
                        ecs.describeTasks(request -> request.cluster(CLUSTER).tasks(running)).tasks().stream().allMatch(task -> task.lastStatus().equals("STOPPED")));
            }
        }
    }

    @Override
    public void close()
            throws Exception
    {
        OptionalInt live = IntStream.range(0, fleet.controlPlanes()).filter(replica -> fleet.server(replica).isAlive()).findFirst();
        if (live.isPresent() && fleet.size() > 0) {
            try {
                stopAllTasks(live.getAsInt(), Duration.ofSeconds(60));
            }
            catch (RuntimeException e) {
                log.warn("stopping the fleet's tasks failed, removing them by hand: {}", e.toString());
            }
        }
        fleet.stopProcesses();
        removeWhatTheAgentsLeft();
        showProcessLogs();
        fleet.close();
    }

    /**
     * The warm network namespaces an agent that was killed (not stopped) left: their addresses go with the agent's
     * directory, their veths with the namespace.
     */
    private void removeWarmNamespaces(int index)
            throws IOException
    {
        for (String namespace : warmNamespaces(index)) {
            if (Files.exists(Path.of("/run/netns", namespace))) {
                log.warn("removing warm network namespace {} left on test host {}", namespace, index);
                try {
                    Process delete = new ProcessBuilder("ip", "netns", "delete", namespace).inheritIO().start();
                    if (!delete.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        delete.destroyForcibly();
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The warm network namespaces in agent i's pool, by the state it keeps of each (BRIDGE-warm-ID). */
    private Set<String> warmNamespaces(int index)
            throws IOException
    {
        Path warm = agentDirectory(index).resolve("network").resolve("warm");
        if (!Files.isDirectory(warm)) {
            return Set.of();
        }
        Set<String> namespaces = new HashSet<>();
        try (Stream<Path> states = Files.list(warm)) {
            for (Path state : states.filter(file -> file.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    String namespace = Json.mapper().readTree(state.toFile()).path("namespace").asText("");
                    if (namespace.startsWith(fleet.network().bridgeName() + "-warm-")) {
                        namespaces.add(namespace);
                    }
                }
                catch (IOException e) {
                    // written or removed by the agent while read: the next look sees it whole or gone
                }
            }
        }
        return namespaces;
    }

    /** The server's and agents' logs go away with the fleet: their last lines go into the test's output. */
    private void showProcessLogs()
    {
        try (Stream<Path> files = Files.list(fleet.root())) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                log.info("last lines of {}:\n{}", file.getFileName(), String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size())));
            }
        }
        catch (IOException e) {
            log.warn("cannot show the fleet's logs: {}", e.toString());
        }
    }

    /** After a failure: containers, root filesystems and cgroups of every agent, removed as an agent would. */
    private void removeWhatTheAgentsLeft()
    {
        for (int i = 0; i < fleet.size(); i++) {
            try {
                if (!Files.exists(agentDirectory(i).resolve("host-credential.json"))) {
                    continue;
                }
                RuncConmonRuntime runtime = runtime(i);
                for (String id : runtime.containerIds()) {
                    log.warn("removing container {} left on test host {}", id, i);
                    runtime.delete(id);
                }
                OverlaySnapshotter snapshotter = new OverlaySnapshotter(agentDirectory(i).resolve("rootfs"));
                for (String key : snapshotter.keys()) {
                    snapshotter.remove(key);
                }
                LoopDeviceTaskStorage storage = new LoopDeviceTaskStorage(agentDirectory(i).resolve("storage"));
                for (String taskId : storage.taskIds()) {
                    storage.remove(taskId);
                }
                // an agent killed, not stopped, leaves its spare storage mounted
                storage.removeSpares();
                runtime.removeCgroupParent();
                removeWarmNamespaces(i);
            }
            catch (IOException | RuntimeException e) {
                log.warn("cleanup of test host {} failed: {}", i, e.toString());
            }
        }
    }
}
