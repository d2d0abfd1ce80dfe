package io.berth.cli.up;

import io.berth.agent.Agent;
import io.berth.agent.AgentConfig;
import io.berth.agent.images.RegistryAccessPolicy;
import io.berth.agent.images.RegistryClient;
import io.berth.agent.images.RegistryCredentials;
import io.berth.agent.images.RegistryImageService;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.network.NetworkException;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.agent.tasks.HostServices;
import io.berth.agent.tasks.TaskRecordStore;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.http.ApiServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Berth on one machine: a local registry, the control plane with its API server, and one agent for this
 * host, on the same code paths a fleet uses (the agent syncs with the control plane through the gateway).
 * Everything lives in the data directory, so a restart finds its clusters, tasks and containers again.
 */
public final class AllInOne
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

    private final AllInOneConfig config;
    private final UnaryOperator<ControlPlaneConfig> controlPlaneTuning;
    private final Clock clock = Clock.systemUTC();
    private LocalRegistry registry;
    private ControlPlane controlPlane;
    private ApiServer apiServer;
    private AccessKey operatorKey;
    private ScheduledExecutorService maintenance;
    private Agent agent;
    private RegistryClient registryClient;
    private DataDirectoryLock lock;

    public AllInOne(AllInOneConfig config)
    {
        this(config, UnaryOperator.identity());
    }

    /** controlPlaneTuning adjusts the control plane's settings, e.g. shorter placement timeouts for tests. */
    public AllInOne(AllInOneConfig config, UnaryOperator<ControlPlaneConfig> controlPlaneTuning)
    {
        this.config = requireNonNull(config, "config is null");
        this.controlPlaneTuning = requireNonNull(controlPlaneTuning, "controlPlaneTuning is null");
    }

    public void start()
            throws IOException
    {
        HostRequirements.check();
        Path data = Files.createDirectories(config.dataDirectory());
        lock = DataDirectoryLock.acquire(data);
        try {
            checkApiPortIsFree();
            registry = new LocalRegistry(Files.createDirectories(data.resolve("registry")), registryPort(data));
            registry.start();
            controlPlane = new ControlPlane(controlPlaneTuning.apply(ControlPlaneConfig.of(config.effectiveStoreUrl())
                    .withRegion(config.region())
                    .withStoppedTaskRetention(config.stoppedTaskRetention())
                    .withMetering(config.metering())));
            operatorKey = controlPlane.accounts().bootstrapOperator();
            apiServer = new ApiServer(
                    new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.apiPort()),
                    controlPlane.accessKeys(),
                    controlPlane.ecsActions(),
                    controlPlane.adminEndpoints(),
                    clock);
            apiServer.start();
            writeEnvironmentFile();
            maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("berth-maintenance").daemon().factory());
            maintenance.scheduleWithFixedDelay(this::runMaintenance, 1, 1, TimeUnit.SECONDS);
            startAgent();
        }
        catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("berth up: API on {}, registry on {}, data in {}", endpoint(), registry.address(), data);
    }

    /** Starts this host's agent; it adopts the containers an earlier agent left running. */
    public synchronized void startAgent()
            throws IOException
    {
        if (agent != null) {
            return;
        }
        Path agentDirectory = Files.createDirectories(config.dataDirectory().resolve("agent"));
        String hostId = hostId(agentDirectory);
        Set<String> insecure = new HashSet<>(config.insecureRegistries());
        insecure.add(registry.address());
        registryClient = new RegistryClient(new RegistryAccessPolicy(insecure), RegistryCredentials.fromDockerConfig(config.dataDirectory().resolve("registry-auth.json")));
        RegistryImageService images = new RegistryImageService(agentDirectory.resolve("images"), registryClient);
        images.removeInterruptedWork();
        HostServices host = new HostServices(
                images,
                new OverlaySnapshotter(agentDirectory.resolve("rootfs")),
                new RuncConmonRuntime(agentDirectory.resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON, "berth/" + hostId, clock),
                new TaskRecordStore(agentDirectory.resolve("tasks")),
                agentDirectory.resolve("logs"),
                clock,
                new CniTaskNetwork(new CniNetworkConfig(agentDirectory.resolve("network"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, config.bridgeName(), config.subnet())));
        HostInfo hostInfo = new HostInfo(hostId, "127.0.0.1", HostCapacity.cpuUnits() * HostCapacity.ALL_IN_ONE_CPU_OVERCOMMIT,
                HostCapacity.memoryMiB() * HostCapacity.ALL_IN_ONE_MEMORY_OVERCOMMIT, Map.of("ecs.availability-zone", "local"));
        agent = new Agent(new AgentConfig(hostInfo, config.heartbeatInterval(), config.stoppedTaskRetention()), controlPlane.agentGateway(), host);
        agent.start();
        controlPlane.registerLogSource(hostId, agent.logs());
    }

    /** Stops this host's agent as an agent crash or upgrade would: its containers keep running. */
    public synchronized void stopAgent()
    {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (registryClient != null) {
            registryClient.close();
            registryClient = null;
        }
    }

    public URI endpoint()
    {
        String host = config.bindAddress().equals("0.0.0.0") || config.bindAddress().equals("::") ? "127.0.0.1" : config.bindAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + apiServer.port());
    }

    public String registryAddress()
    {
        return registry.address();
    }

    public AccessKey operatorKey()
    {
        return operatorKey;
    }

    public ControlPlane controlPlane()
    {
        return controlPlane;
    }

    public synchronized Agent agent()
    {
        return agent;
    }

    public Path environmentFile()
    {
        return config.dataDirectory().resolve("berth.env");
    }

    private void writeEnvironmentFile()
            throws IOException
    {
        String endpoint = endpoint().toString();
        String content = """
                # Written by `berth up`: source it to point the AWS CLI, the AWS SDKs and berth at this Berth.
                export AWS_ACCESS_KEY_ID=%s
                export AWS_SECRET_ACCESS_KEY=%s
                export AWS_DEFAULT_REGION=%s
                export AWS_ENDPOINT_URL=%s
                export BERTH_ENDPOINT=%s
                export BERTH_REGISTRY=%s
                """.formatted(operatorKey.accessKeyId(), operatorKey.secretAccessKey(), config.region(), endpoint, endpoint, registry.address());
        Path file = environmentFile();
        Path temporary = file.resolveSibling("berth.env.tmp");
        Files.deleteIfExists(temporary);
        // the file holds the operator's secret: only its owner may read it
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Fails before anything starts, with a message that says what to do, when another process has the port. */
    private void checkApiPortIsFree()
            throws IOException
    {
        if (config.apiPort() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.apiPort()));
        }
        catch (BindException e) {
            throw new IOException("port " + config.apiPort() + " on " + config.bindAddress() + " is already in use (another berth up?): stop what uses it or choose another --port");
        }
    }

    private int registryPort(Path data)
            throws IOException
    {
        if (config.registryPort() != 0) {
            return config.registryPort();
        }
        // image references name the registry's port, so it must not change across restarts
        Path recorded = data.resolve("registry").resolve("port");
        if (Files.exists(recorded)) {
            return Integer.parseInt(Files.readString(recorded).trim());
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(recorded.getParent());
        Files.writeString(recorded, Integer.toString(port));
        return port;
    }

    private static String hostId(Path agentDirectory)
            throws IOException
    {
        Path file = agentDirectory.resolve("host-id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[6];
        new java.security.SecureRandom().nextBytes(random);
        String id = "host-" + HexFormat.of().formatHex(random);
        Files.writeString(file, id);
        return id;
    }

    private void runMaintenance()
    {
        try {
            controlPlane.runMaintenance();
        }
        catch (RuntimeException e) {
            log.warn("control plane maintenance failed: {}", e.toString());
        }
    }

    /** For tests and `berth up --stop-tasks`: stops every task on this host, then closes Berth. */
    public void stopAllTasksAndClose(Duration timeout)
    {
        Agent current = agent();
        if (current != null) {
            current.reconciler().stopAll(timeout);
            if (current.host().runtime() instanceof RuncConmonRuntime runtime) {
                close();
                runtime.removeCgroupParent();
                removeBridge(current);
                return;
            }
        }
        close();
    }

    private static void removeBridge(Agent stopped)
    {
        if (stopped.host().network() instanceof CniTaskNetwork network) {
            try {
                network.removeBridgeIfUnused();
            }
            catch (NetworkException e) {
                log.warn("cannot remove the task bridge: {}", e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close()
    {
        stopAgent();
        if (maintenance != null) {
            maintenance.shutdownNow();
            maintenance = null;
        }
        if (apiServer != null) {
            apiServer.close();
            apiServer = null;
        }
        if (controlPlane != null) {
            controlPlane.close();
            controlPlane = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (lock != null) {
            try {
                lock.close();
            }
            catch (IOException e) {
                log.warn("cannot release the lock of {}: {}", config.dataDirectory(), e.toString());
            }
            lock = null;
        }
    }
}
