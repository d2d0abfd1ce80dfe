package io.berth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.files.FileTrees;
import io.berth.common.network.FreePorts;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Berth fleet on this machine, made of real processes: a private {@link TestNetwork}, a registry on its host side
 * holding the busybox test image, `berth server` bound to the host-side address, and one `berth agent` per test
 * host, each in its own network namespace with its own data directory, joined with a token from `berth host
 * token`. {@link #start} returns once every agent has joined and heartbeats. What the agents leave on the machine
 * when killed (containers, mounts, cgroups) is for the caller to sweep between {@link #stopProcesses()} and
 * {@link #close()}, since that needs the agent's own code; close() removes registry, network and directory.
 */
public final class LocalFleet
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(LocalFleet.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final Path root;
    private final LocalFleetOptions options;
    private final List<BerthProcess> agents = new ArrayList<>();
    private TestNetwork network;
    private TestRegistry registry;
    private BerthProcess server;
    private int apiPort;
    /** The further `berth server` replicas (options.controlPlanes() - 1), each with its own port and data directory. */
    private final List<BerthProcess> replicas = new ArrayList<>();
    private final List<Integer> replicaPorts = new ArrayList<>();
    private String image;
    private String token;
    private Map<String, String> operatorEnvironment;

    private LocalFleet(Path root, LocalFleetOptions options)
    {
        this.root = root;
        this.options = options;
    }

    /** Starts the fleet in a new temporary directory; on failure, everything started so far is removed. */
    public static LocalFleet start(LocalFleetOptions options)
            throws IOException, InterruptedException
    {
        Path root = Files.createTempDirectory("berth-fleet").toRealPath();
        // tasks run as unprivileged host uids (user namespaces) that must be able to search the way to the agents' files
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        LocalFleet fleet = new LocalFleet(root, options);
        try {
            fleet.startAll();
            return fleet;
        }
        catch (IOException | InterruptedException | RuntimeException | Error e) {
            fleet.close();
            throw e;
        }
    }

    private void startAll()
            throws IOException, InterruptedException
    {
        network = TestNetwork.create(options.hostCount());
        registry = TestRegistry.start(network.hostAddress());
        image = TestImages.pushBusybox(registry.hostPort(), options.imageRepositoryTag());
        apiPort = FreePorts.outsideEphemeralRange(InetAddress.getByName(network.hostAddress()));
        server = BerthProcess.start(options.jvm(), Optional.empty(),
                serverArguments(),
                root.resolve("server.log"), Map.of());
        awaitServer();
        // once the first has made the schema and the operator, which they share through the store
        for (int replica = 1; replica < options.controlPlanes(); replica++) {
            replicaPorts.add(FreePorts.outsideEphemeralRange(InetAddress.getByName(network.hostAddress())));
            ReplicaDirectories.shareTls(serverDirectory(), serverDirectory(replica));
            replicas.add(BerthProcess.start(options.jvm(), Optional.empty(), serverArguments(replica), root.resolve("server-" + replica + ".log"), Map.of()));
        }
        for (int replica = 1; replica < options.controlPlanes(); replica++) {
            awaitServer(replica);
        }
        operatorEnvironment = readEnvironmentFile(serverDirectory().resolve("berth.env"));
        BerthProcess.Result issued = BerthProcess.run(options.jvm(), Optional.empty(), List.of("host", "token"), operatorEnvironment);
        if (issued.exitCode() != 0) {
            throw new IOException("berth host token failed: " + issued.stderr());
        }
        token = issued.stdout().strip();
        for (int i = 0; i < options.hostCount(); i++) {
            List<String> arguments = new ArrayList<>(List.of("agent", "--join", endpoint().toString(), "--token", token));
            arguments.addAll(agentArguments(i));
            agents.add(BerthProcess.start(options.jvm(), Optional.of(host(i)), arguments, root.resolve("agent-" + i + ".log"), Map.of()));
        }
        awaitAgentsJoined();
        log.info("fleet of {} hosts up: server {}, registry {}, directory {}", options.hostCount(), endpoint(), registry.hostPort(), root);
    }

    /** The first host id of a fleet's agents' user namespace ranges: above the default pool (2^30 to 2^31). */
    private static final long FLEET_USERNS_BASE = 1L << 31;
    private static final int FLEET_USERNS_RANGES = 256;

    /** The options every start of agent i gets (the join URL and token only on the first). */
    private List<String> agentArguments(int index)
    {
        List<String> arguments = new ArrayList<>(List.of("--data-dir", agentDirectory(index).toString(),
                "--insecure-registry", registry.hostPort(),
                "--zone", "zone-" + index,
                "--attribute", "rack=rack-" + index,
                "--cpu", Integer.toString(options.agentCpuUnits()),
                "--memory", Long.toString(options.agentMemoryMiB()),
                // agents sharing this machine get pools of their own, as the agent's help asks
                "--userns-base", Long.toString(FLEET_USERNS_BASE + index * FLEET_USERNS_RANGES * 65536L),
                "--userns-ranges", Integer.toString(FLEET_USERNS_RANGES)));
        arguments.addAll(options.extraAgentArguments().forAgent(index, network));
        return arguments;
    }

    private List<String> serverArguments()
    {
        return serverArguments(0);
    }

    private List<String> serverArguments(int replica)
    {
        List<String> arguments = new ArrayList<>(List.of("server", "--data-dir", serverDirectory(replica).toString(), "--bind", network.hostAddress(),
                "--port", Integer.toString(replica == 0 ? apiPort : replicaPorts.get(replica - 1))));
        arguments.addAll(options.extraServerArguments());
        if (!tls()) {
            // most tests build plain clients; a fleet serves TLS when its options say --tls on
            arguments.addAll(List.of("--tls", "off"));
        }
        return arguments;
    }

    /** The test network the fleet's hosts live on. */
    public TestNetwork network()
    {
        return network;
    }

    public URI endpoint()
    {
        return URI.create((tls() ? "https://" : "http://") + network.hostAddress() + ":" + apiPort);
    }

    /**
     * Whether the server serves TLS: its options have --tls on. Replicas share the first one's DIR/tls (its CA and
     * agent-call key), as replicas of a real cluster do.
     */
    public boolean tls()
    {
        int index = options.extraServerArguments().indexOf("--tls");
        return index >= 0 && index + 1 < options.extraServerArguments().size() && options.extraServerArguments().get(index + 1).equals("on");
    }

    /** The cluster CA the server's certificate chains to (DIR/tls/ca.pem), made on its first start; meaningful with TLS only. */
    public Path caCertificate()
    {
        return serverDirectory().resolve("tls").resolve("ca.pem");
    }

    /** The URL of control plane replica i (0: the first, {@link #endpoint()}). */
    public URI endpoint(int replica)
    {
        return replica == 0 ? endpoint() : URI.create((tls() ? "https://" : "http://") + network.hostAddress() + ":" + replicaPorts.get(replica - 1));
    }

    /** How many `berth server` replicas the fleet runs. */
    public int controlPlanes()
    {
        return 1 + replicas.size();
    }

    /** Control plane replica i's process (0: {@link #server()}). */
    public BerthProcess server(int replica)
    {
        return replica == 0 ? server : replicas.get(replica - 1);
    }

    /** Replica i's data directory (0: {@link #serverDirectory()}). */
    public Path serverDirectory(int replica)
    {
        return replica == 0 ? serverDirectory() : root.resolve("server-" + replica);
    }

    /** The busybox test image's reference in the fleet's registry. */
    public String image()
    {
        return image;
    }

    public String token()
    {
        return token;
    }

    public NetnsHost host(int index)
    {
        return network.hosts().get(index);
    }

    public int size()
    {
        return agents.size();
    }

    /** The fleet's directory: the server's and agents' data directories and logs are in it. */
    public Path root()
    {
        return root;
    }

    public Path serverDirectory()
    {
        return root.resolve("server");
    }

    public Path agentDirectory(int index)
    {
        return root.resolve("agent-" + index);
    }

    public BerthProcess server()
    {
        return server;
    }

    public BerthProcess agent(int index)
    {
        return agents.get(index);
    }

    /** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the endpoint, as `berth server` wrote them to berth.env. */
    public Map<String, String> operatorEnvironment()
    {
        return operatorEnvironment;
    }

    public HostCredential credential(int index)
            throws IOException
    {
        JsonNode stored = Json.mapper().readTree(agentDirectory(index).resolve("host-credential.json").toFile());
        return new HostCredential(stored.path("hostId").asText(), stored.path("secret").asText());
    }

    public String hostId(int index)
            throws IOException
    {
        return credential(index).hostId();
    }

    public void killAgent(int index)
            throws InterruptedException
    {
        agents.get(index).kill();
    }

    /** Starts agent i again on its data directory, without a token: the stored credential must do. */
    public void restartAgent(int index)
            throws IOException
    {
        List<String> arguments = new ArrayList<>(List.of("agent"));
        arguments.addAll(agentArguments(index));
        agents.set(index, BerthProcess.start(options.jvm(), Optional.of(host(index)), arguments, agents.get(index).logFile(), Map.of()));
    }

    /**
     * Starts agent i again as a new host: its credential is deleted and it joins with the fleet's token, as a
     * machine the operator removed with `berth host rm` and then joins again would. Its data (tasks, images) stays.
     */
    public void rejoinAgent(int index)
            throws IOException
    {
        Files.deleteIfExists(agentDirectory(index).resolve("host-credential.json"));
        List<String> arguments = new ArrayList<>(List.of("agent", "--join", endpoint().toString(), "--token", token));
        arguments.addAll(agentArguments(index));
        agents.set(index, BerthProcess.start(options.jvm(), Optional.of(host(index)), arguments, agents.get(index).logFile(), Map.of()));
    }

    public void killServer()
            throws InterruptedException
    {
        server.kill();
    }

    public void restartServer()
            throws IOException, InterruptedException
    {
        server.start();
        awaitServer();
    }

    /** Starts control plane replica i again (after {@link BerthProcess#kill()}) and waits until it answers. */
    public void restartServer(int replica)
            throws IOException, InterruptedException
    {
        server(replica).start();
        awaitServer(replica);
    }

    /** Waits until each agent has its credential and the control plane lists its host with a heartbeat. */
    private void awaitAgentsJoined()
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Set<String> joined = new HashSet<>();
        while (joined.size() < agents.size()) {
            for (int i = 0; i < agents.size(); i++) {
                if (!agents.get(i).isAlive()) {
                    throw new IOException("agent " + i + " exited: " + Files.readString(agents.get(i).logFile()));
                }
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < agents.size(); i++) {
                if (Files.exists(agentDirectory(i).resolve("host-credential.json"))) {
                    expected.add(hostId(i));
                }
            }
            if (expected.size() == agents.size()) {
                joined = heartbeatingHosts();
                joined.retainAll(expected);
            }
            if (joined.size() == agents.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + joined.size() + " of " + agents.size() + " agents joined within " + START_TIMEOUT.toSeconds() + " s; see the logs in " + root);
            }
            Thread.sleep(POLL_INTERVAL);
        }
    }

    /** The hosts `berth host ls -o json` shows with a heartbeat. */
    private Set<String> heartbeatingHosts()
            throws IOException, InterruptedException
    {
        BerthProcess.Result listed = BerthProcess.run(options.jvm(), Optional.empty(), List.of("host", "ls", "-o", "json"), operatorEnvironment);
        if (listed.exitCode() != 0) {
            throw new IOException("berth host ls failed: " + listed.stderr());
        }
        Set<String> hosts = new HashSet<>();
        for (JsonNode host : Json.mapper().readTree(listed.stdout())) {
            if (!host.path("lastHeartbeat").isMissingNode() && !host.path("lastHeartbeat").isNull()) {
                hosts.add(host.path("hostId").asText());
            }
        }
        return hosts;
    }

    private void awaitServer()
            throws IOException, InterruptedException
    {
        awaitServer(0);
    }

    private void awaitServer(int replica)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        BerthProcess process = server(replica);
        URI endpoint = endpoint(replica);
        Path authority = serverDirectory(replica).resolve("tls").resolve("ca.pem");
        // with TLS the server makes its CA before it listens: trust that alone
        while (tls() && !Files.exists(authority)) {
            if (!process.isAlive()) {
                throw new IOException("berth server exited: " + Files.readString(process.logFile()));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("berth server made no CA in " + authority + " within " + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(POLL_INTERVAL);
        }
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        if (tls()) {
            client.sslContext(TrustedCertificates.only(PemCertificates.read(authority)));
        }
        try (HttpClient http = client.build()) {
            HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/berth/agent/v1/changes")).timeout(Duration.ofSeconds(2)).build();
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("berth server exited: " + Files.readString(process.logFile()));
                }
                try {
                    // any answer (401: no host credential) means it listens
                    if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
                        return;
                    }
                }
                catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("berth server did not answer on " + endpoint + " within " + START_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(POLL_INTERVAL);
            }
        }
    }

    /** The variables a berth.env file exports (`export NAME=VALUE` lines), as `berth server` writes it. */
    public static Map<String, String> readEnvironmentFile(Path file)
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

    /** Stops the agents, then the server (SIGTERM, then SIGKILL); containers the agents ran keep running. */
    public void stopProcesses()
            throws InterruptedException
    {
        for (BerthProcess agent : agents) {
            agent.close();
        }
        for (BerthProcess replica : replicas) {
            replica.close();
        }
        if (server != null) {
            server.close();
            stopLeftOverServerRegistry();
        }
    }

    /**
     * `berth server` stops its registry (docker-registry) as it stops; one it could not stop (a server that was
     * SIGKILLed and not started again) is stopped here, by the pid it recorded, only if that pid still serves this fleet's config.
     */
    private void stopLeftOverServerRegistry()
            throws InterruptedException
    {
        Path registryDirectory = serverDirectory().resolve("registry");
        Path pidFile = registryDirectory.resolve("registry.pid");
        long pid;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            pid = Long.parseLong(Files.readString(pidFile).strip());
        }
        catch (IOException | NumberFormatException e) {
            log.warn("cannot read {}: {}", pidFile, e.toString());
            return;
        }
        String config = registryDirectory.resolve("config.yml").toString();
        Optional<ProcessHandle> leftOver = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().commandLine().map(line -> line.contains("docker-registry") && line.contains(config)).orElse(false));
        if (leftOver.isPresent()) {
            log.warn("stopping the registry (pid {}) the fleet's server left running", pid);
            leftOver.get().destroyForcibly();
            try {
                leftOver.get().onExit().get(5, TimeUnit.SECONDS);
            }
            catch (ExecutionException | TimeoutException e) {
                log.warn("the registry (pid {}) did not exit: {}", pid, e.toString());
            }
        }
    }

    /** Stops what still runs, then removes the registry, the network and the fleet's directory. */
    @Override
    public void close()
            throws IOException, InterruptedException
    {
        try {
            stopProcesses();
        }
        finally {
            try {
                if (registry != null) {
                    registry.close();
                }
            }
            finally {
                if (network != null) {
                    network.close();
                }
                FileTrees.deleteRecursively(root);
            }
        }
    }
}
