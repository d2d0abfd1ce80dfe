package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.files.FileTrees;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.testing.NetnsHost;
import io.berth.testing.TestNetwork;
import io.berth.testing.TestRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A fleet on this machine for end-to-end tests: a private test network, a registry on its host side with the
 * busybox test image, `berth server` as its own process bound to the host-side address, and one `berth agent`
 * process per test host, each in its own network namespace with its own data directory, joined with a token
 * from `berth host token`. close() stops every task, stops the processes, removes whatever a crash may have
 * left (containers, mounts, cgroups), and removes the network.
 */
final class TestFleet
        implements AutoCloseable
{
    static final String CLUSTER = "fleet";
    private static final Logger log = LoggerFactory.getLogger(TestFleet.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
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

    private final Path root;
    private final List<BerthProcess> agents = new ArrayList<>();
    private TestNetwork network;
    private TestRegistry registry;
    private BerthProcess server;
    private int apiPort;
    private String image;
    private String token;
    private Map<String, String> operatorEnvironment;

    private TestFleet(Path root)
    {
        this.root = root;
    }

    static TestFleet start(int hostCount)
            throws Exception
    {
        TestFleet fleet = new TestFleet(Files.createTempDirectory("berth-e2e-fleet"));
        try {
            fleet.startAll(hostCount);
            return fleet;
        }
        catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    private void startAll(int hostCount)
            throws Exception
    {
        network = TestNetwork.create(hostCount);
        registry = TestRegistry.start(network.hostAddress());
        image = TestImagesForBerth.pushBusybox(registry.hostPort(), "fleet/busybox:latest");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(network.hostAddress()))) {
            apiPort = socket.getLocalPort();
        }
        server = BerthProcess.start(Optional.empty(),
                List.of("server", "--data-dir", serverDirectory().toString(), "--bind", network.hostAddress(), "--port", Integer.toString(apiPort),
                        "--placement-timeout", PLACEMENT_TIMEOUT.toSeconds() + "s", "--host-lost-after", HOST_LOST_AFTER.toSeconds() + "s"),
                root.resolve("server.log"), Map.of());
        awaitServer();
        operatorEnvironment = readEnvironmentFile(serverDirectory().resolve("berth.env"));
        BerthProcess.Result issued = BerthProcess.run(Optional.empty(), List.of("host", "token"), operatorEnvironment);
        if (issued.exitCode() != 0) {
            throw new IOException("berth host token failed: " + issued.stderr());
        }
        token = issued.stdout().strip();
        for (int i = 0; i < hostCount; i++) {
            NetnsHost host = network.hosts().get(i);
            List<String> arguments = new ArrayList<>(List.of("agent", "--join", endpoint().toString(), "--token", token));
            arguments.addAll(agentArguments(i));
            agents.add(BerthProcess.start(Optional.of(host), arguments, root.resolve("agent-" + i + ".log"), Map.of()));
        }
        for (int i = 0; i < hostCount; i++) {
            int index = i;
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!agents.get(index).isAlive()) {
                    throw new IOException("agent " + index + " exited: " + Files.readString(agents.get(index).logFile()));
                }
                return Files.exists(agentDirectory(index).resolve("host-credential.json")) && hosts().containsKey(hostId(index));
            });
        }
        try (EcsClient ecs = operatorClient()) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
        }
    }

    /**
     * The options every start of agent i gets (the token only on the first): a small announced capacity, so that a
     * few tasks show how they were placed, and on the last host the attribute disk=ssd. Each agent's task bridge
     * (in its own namespace) takes the name of a link the machine's namespace already has, the test network's
     * bridge: an agent must look up its links in its own namespace, not in a sysfs it inherited.
     */
    private List<String> agentArguments(int index)
    {
        List<String> arguments = new ArrayList<>(List.of("--data-dir", agentDirectory(index).toString(),
                "--insecure-registry", registry.hostPort(),
                "--zone", "zone-" + index,
                "--attribute", "rack=rack-" + index,
                "--cpu", Integer.toString(HOST_CPU),
                "--memory", Integer.toString(HOST_MEMORY_MIB),
                "--bridge", network.bridgeName()));
        if (index == SSD_HOST) {
            arguments.addAll(List.of("--attribute", "disk=ssd"));
        }
        return arguments;
    }

    URI endpoint()
    {
        return URI.create("http://" + network.hostAddress() + ":" + apiPort);
    }

    String image()
    {
        return image;
    }

    String token()
    {
        return token;
    }

    NetnsHost host(int index)
    {
        return network.hosts().get(index);
    }

    int size()
    {
        return agents.size();
    }

    Path serverDirectory()
    {
        return root.resolve("server");
    }

    Path agentDirectory(int index)
    {
        return root.resolve("agent-" + index);
    }

    HostCredential credential(int index)
            throws IOException
    {
        JsonNode stored = Json.mapper().readTree(agentDirectory(index).resolve("host-credential.json").toFile());
        return new HostCredential(stored.path("hostId").asText(), stored.path("secret").asText());
    }

    String hostId(int index)
            throws IOException
    {
        return credential(index).hostId();
    }

    int indexOfHost(String hostId)
            throws IOException
    {
        for (int i = 0; i < agents.size(); i++) {
            if (hostId(i).equals(hostId)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no agent of this fleet is host " + hostId);
    }

    EcsClient operatorClient()
    {
        return EcsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        operatorEnvironment.get("AWS_ACCESS_KEY_ID"), operatorEnvironment.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    BerthClient signedClient()
    {
        return new BerthClient(new BerthClientConfig(endpoint(),
                new SigV4Credentials(operatorEnvironment.get("AWS_ACCESS_KEY_ID"), operatorEnvironment.get("AWS_SECRET_ACCESS_KEY")), "us-east-1"),
                Clock.systemUTC());
    }

    Map<String, String> operatorEnvironment()
    {
        return operatorEnvironment;
    }

    void killAgent(int index)
            throws InterruptedException
    {
        agents.get(index).kill();
    }

    /** Starts agent i again on its data directory, without a token: the stored credential must do. */
    void restartAgent(int index)
            throws IOException
    {
        List<String> arguments = new ArrayList<>(List.of("agent"));
        arguments.addAll(agentArguments(index));
        BerthProcess restarted = BerthProcess.start(Optional.of(host(index)), arguments, agents.get(index).logFile(), Map.of());
        agents.set(index, restarted);
    }

    void killServer()
            throws InterruptedException
    {
        server.kill();
    }

    void restartServer()
            throws IOException
    {
        server.start();
        awaitServer();
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
        for (int i = 0; i < agents.size(); i++) {
            leftovers.addAll(leftovers(i));
        }
        // the agents name their tasks' namespaces BRIDGE-TASKID
        try (Stream<Path> namespaces = Files.list(Path.of("/run/netns"))) {
            namespaces.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(network.bridgeName() + "-"))
                    .forEach(name -> leftovers.add("network namespace " + name));
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains(root.toString())) {
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

    private void awaitServer()
    {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(endpoint().resolve("/berth/agent/v1/changes")).timeout(Duration.ofSeconds(2)).build();
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptionsMatching(e -> e instanceof IOException).until(() -> {
            if (!server.isAlive()) {
                throw new IllegalStateException("berth server exited: " + Files.readString(server.logFile()));
            }
            // any answer (401: no host credential) means it listens
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
        });
    }

    private static Map<String, String> readEnvironmentFile(Path file)
            throws IOException
    {
        Map<String, String> environment = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("export ")) {
                int equals = line.indexOf('=');
                environment.put(line.substring("export ".length(), equals), line.substring(equals + 1));
            }
        }
        return environment;
    }

    /** Stops every task through the control plane and waits until the agents report them STOPPED. */
    void stopAllTasks(Duration timeout)
    {
        try (EcsClient ecs = operatorClient()) {
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
        if (server != null && server.isAlive() && !agents.isEmpty()) {
            try {
                stopAllTasks(Duration.ofSeconds(60));
            }
            catch (RuntimeException e) {
                log.warn("stopping the fleet's tasks failed, removing them by hand: {}", e.toString());
            }
        }
        for (BerthProcess agent : agents) {
            agent.close();
        }
        if (server != null) {
            server.close();
        }
        removeWhatTheAgentsLeft();
        showProcessLogs();
        if (registry != null) {
            registry.close();
        }
        if (network != null) {
            network.close();
        }
        FileTrees.deleteRecursively(root);
    }

    /** The server's and agents' logs go away with the fleet: their last lines go into the test's output. */
    private void showProcessLogs()
    {
        try (Stream<Path> files = Files.list(root)) {
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
        for (int i = 0; i < agents.size(); i++) {
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
                runtime.removeCgroupParent();
            }
            catch (IOException | RuntimeException e) {
                log.warn("cleanup of test host {} failed: {}", i, e.toString());
            }
        }
    }
}
