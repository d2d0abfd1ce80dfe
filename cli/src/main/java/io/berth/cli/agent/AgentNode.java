package io.berth.cli.agent;

import io.berth.agent.Agent;
import io.berth.cli.BerthVersion;
import io.berth.agent.AgentConfig;
import io.berth.agent.endpoint.AgentEndpoint;
import io.berth.agent.endpoint.EndpointCertificate;
import io.berth.agent.patching.PatchCommands;
import io.berth.agent.upgrading.AgentBuilds;
import io.berth.agent.upgrading.AgentUpgrader;
import io.berth.agent.upgrading.ProcessImage;
import io.berth.agent.upgrading.UpgradeState;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.agent.images.ByteSizes;
import io.berth.agent.metrics.AgentMetrics;
import io.berth.common.metrics.MetricsPage;
import io.berth.common.metrics.MetricsToken;
import io.berth.agent.images.Descriptor;
import io.berth.agent.images.ImageGarbageCollector;
import io.berth.agent.images.LayerUnpacker;
import io.berth.agent.images.RegistryAccessPolicy;
import io.berth.agent.images.RegistryClient;
import io.berth.agent.images.RegistryCredentials;
import io.berth.agent.images.RegistryImageService;
import io.berth.agent.ingress.HaproxySupervisor;
import io.berth.agent.ingress.IngressLink;
import io.berth.agent.link.ControlPlaneJoin;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.agent.link.ControlPlaneTrust;
import io.berth.agent.link.ControlPlaneEndpoints;
import io.berth.agent.link.ControlPlaneKeys;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.agent.link.CredentialFile;
import io.berth.agent.images.RegistryDeadlines;
import io.berth.common.tls.TrustedCertificates;
import io.berth.agent.link.HttpControlPlaneLink;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.network.NetworkException;
import io.berth.agent.rootfs.LoopDeviceTaskStorage;
import io.berth.agent.process.TaskTransitions;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.OciRuntime;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.agent.runtime.RuntimeProbe;
import io.berth.agent.runtime.TieredRuntime;
import io.berth.agent.tasks.HostServices;
import io.berth.agent.tasks.TaskImages;
import io.berth.agent.tasks.TaskRecordStore;
import io.berth.agent.userns.IdRanges;
import io.berth.agent.userns.SearchablePaths;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.AgentCallVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One host's agent, wired: its credential (joining with the token the first time), the host services under its
 * data directory, the HTTP link to the control plane, and the agent endpoint that serves task logs. Closing it
 * leaves the containers running for the next agent on the same data directory to adopt.
 */
public final class AgentNode
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(AgentNode.class);
    /** How long an agent that leaves its host spends removing, by force, the tasks whose stop did not finish. */
    private static final Duration FORCED_TEARDOWN_DEADLINE = Duration.ofSeconds(60);
    /** Under the data directory: the state of an upgrade in place, and the builds it installed. */
    public static final String UPGRADE_DIRECTORY = "upgrade";
    static final String BUILDS_DIRECTORY = "builds";
    /** Task storage filesystems made and mounted ahead (sparse: a few MiB of disk and a loop device each); a burst beyond them makes its own. */
    private static final int SPARE_STORAGE_IMAGES = 4;
    /** Task network namespaces made ahead of need (each holds an address of the host's slice while it waits). */
    private static final int WARM_NETWORK_NAMESPACES = 4;

    private final AgentNodeConfig config;
    private final Clock clock;
    private final Path metricsTokenFile;
    private final AgentMetrics metrics = new AgentMetrics();
    // the credential changes when the control plane rotates it; the lock orders the writes of the credential file
    private final Object credentialLock = new Object();
    private volatile HostCredential credential;
    private volatile EndpointCertificate endpointCertificate;
    private RegistryClient registryClient;
    private ImageGarbageCollector imageCollector;
    private LoopDeviceTaskStorage taskStorage;
    private AgentEndpoint endpoint;
    private volatile Agent agent;
    private HaproxySupervisor haproxy;
    private PatchCommands patchCommands;
    /** Null unless this agent may upgrade itself in place (`berth agent`, not `berth up`). */
    private AgentUpgrader.Handover upgradeHandover;

    /** Serves /metrics to the holder of the token in DIR/metrics-token (made on first start). */
    public AgentNode(AgentNodeConfig config, Clock clock)
    {
        this(config, clock, config.dataDirectory().resolve(MetricsToken.FILE_NAME));
    }

    /** metricsTokenFile: the bearer token /metrics on the agent's port wants (`berth up` shares the control plane's). */
    public AgentNode(AgentNodeConfig config, Clock clock, Path metricsTokenFile)
    {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metricsTokenFile = requireNonNull(metricsTokenFile, "metricsTokenFile is null");
    }

    public synchronized void start()
            throws IOException
    {
        if (agent != null) {
            return;
        }
        HostRequirements.checkAgentHost("berth agent");
        Path directory = Files.createDirectories(config.dataDirectory());
        // containers run as unprivileged host uids (user namespaces), and runc reaches their files from there
        SearchablePaths.allowSearch(directory);
        try {
            SearchablePaths.check(directory.resolve("rootfs"));
        }
        catch (IOException e) {
            log.warn("{}; until then every task on this host fails to start", e.getMessage());
        }
        try {
            ControlPlaneEndpoints controlPlanes = joinControlPlane(directory);
            URI controlPlane = controlPlanes.current();
            // the key the control plane signs its calls to this agent with: pinned at the join, followed at each sync
            ControlPlaneKeys controlPlaneKeys = ControlPlaneKeys.load(directory, clock);
            HttpControlPlaneLink link = new HttpControlPlaneLink(controlPlanes, credential, ControlPlaneTrust.sslContext(directory), controlPlaneKeys,
                    this::credentialRotated);
            checkCredential(link);

            String address = config.address() != null ? config.address() : HostAddresses.towards(controlPlane);
            // a control plane that serves TLS calls its agents over HTTPS, trusting its cluster CA
            endpointCertificate = "https".equalsIgnoreCase(controlPlane.getScheme())
                    ? EndpointCertificate.obtain(directory, address, link::requestEndpointCertificate)
                    : null;
            endpoint = new AgentEndpoint(new InetSocketAddress(InetAddress.getByName(address), config.agentPort()), credential.hostId(),
                    new AgentCallVerifier(credential.hostId(), controlPlaneKeys::current, clock), new CurrentAgentLogs(),
                    new MetricsPage(metrics.registry(), MetricsToken.loadOrCreate(metricsTokenFile)), patchCommands(directory),
                    endpointCertificate == null ? null : endpointCertificate.sslContext());
            endpoint.start();

            Map<String, String> attributes = new HashMap<>(config.attributes());
            attributes.put(AgentNodeConfig.ZONE_ATTRIBUTE, config.zone());
            TieredRuntime runtime = runtime(directory);
            HostInfo hostInfo = new HostInfo(credential.hostId(), address,
                    config.cpuUnits() != null ? config.cpuUnits() : HostCapacity.cpuUnits(),
                    config.memoryMiB() != null ? config.memoryMiB() : HostCapacity.memoryMiB(),
                    attributes,
                    endpoint.port(),
                    runtime.tiers(),
                    BerthVersion.current(),
                    AgentProtocolVersion.CURRENT);
            ControlPlaneLink agentLink = link;
            if (config.ingress()) {
                // the load balancers' data plane: HAProxy under this agent, fed by each sync's ingress plan
                haproxy = new HaproxySupervisor(HaproxySupervisor.DEFAULT_BINARY, directory.resolve("ingress"), clock);
                haproxy.start();
                agentLink = new IngressLink(link, haproxy);
            }
            Agent started = new Agent(new AgentConfig(hostInfo, config.heartbeatInterval(), config.stoppedTaskRetention()), agentLink,
                    hostServices(directory, runtime, controlPlane, address.matches("\\d{1,3}(\\.\\d{1,3}){3}") ? address : null), metrics);
            started.start();
            agent = started;
            log.info("host {} joined {}: agent endpoint on {}:{}", credential.hostId(), controlPlane, address, endpoint.port());
        }
        catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Lets the control plane upgrade this agent in place (`berth host upgrade`): handover closes this node and execs the
     * new build. Call before {@link #start()}.
     */
    public synchronized void allowUpgrades(AgentUpgrader.Handover handover)
    {
        this.upgradeHandover = requireNonNull(handover, "handover is null");
    }

    /**
     * The patch commands of this agent process, which also answer for an upgrade that handed over to this process (on
     * trial until it syncs) or ended before it started (rolled back, or confirmed by the agent before).
     */
    private PatchCommands patchCommands(Path directory)
            throws IOException
    {
        PatchCommands commands = new PatchCommands(credential.hostId());
        UpgradeState upgrades = new UpgradeState(directory.resolve(UPGRADE_DIRECTORY));
        upgrades.outcome().ifPresent(outcome -> commands.record(outcome.patchId(), outcome.state(), outcome.output()));
        upgrades.pending().ifPresent(pending -> commands.record(pending.patchId(), PatchCommandStatus.State.RUNNING,
                "build " + pending.toVersion() + " started; waiting for its first sync with the control plane"));
        if (upgradeHandover != null) {
            // builds come from the operator's servers (public CAs) or the control plane's side (the cluster CA)
            AgentBuilds builds = new AgentBuilds(directory.resolve(BUILDS_DIRECTORY), ProcessImage.javaBinary(), httpTrustingTheClusterCa(directory, HttpClient.Redirect.NORMAL),
                    clock);
            commands.allowUpgrades(new AgentUpgrader(credential.hostId(), BerthVersion.current(), builds, upgrades, ProcessImage::commandLine, upgradeHandover, clock));
        }
        patchCommands = commands;
        return commands;
    }

    /** The patch commands of the running agent; null before start. */
    public synchronized PatchCommands patchCommands()
    {
        return patchCommands;
    }

    /** This host's id; known once started. */
    public synchronized String hostId()
    {
        if (credential == null) {
            throw new IllegalStateException("not started");
        }
        return credential.hostId();
    }

    /** Completes when the control plane no longer knows this host (see {@link Agent#removedFromCluster()}); never before start. */
    public java.util.concurrent.CompletableFuture<String> removedFromCluster()
    {
        Agent current = agent;
        return current == null ? new java.util.concurrent.CompletableFuture<>() : current.removedFromCluster();
    }

    public Agent agent()
    {
        return agent;
    }

    public synchronized int agentPort()
    {
        return endpoint.port();
    }

    /**
     * The control planes to talk to (the given or stored one first, then the other given replicas), and this host's
     * credential: the stored one, or a new one from joining with the token through the first that answers.
     */
    private ControlPlaneEndpoints joinControlPlane(Path directory)
            throws IOException
    {
        CredentialFile file = new CredentialFile(directory);
        Optional<CredentialFile.Stored> stored = file.load();
        URI controlPlane = config.controlPlane() != null ? config.controlPlane() : stored.map(CredentialFile.Stored::controlPlane).orElse(null);
        if (controlPlane == null) {
            throw new IOException("this agent has not joined a control plane yet: run `berth agent --join URL --token TOKEN` (get a token with `berth host token`)");
        }
        // the given ones first, then the replicas learned before this start
        List<URI> urls = new ArrayList<>(List.of(controlPlane));
        Stream.concat(config.otherControlPlanes().stream(), stored.map(CredentialFile.Stored::otherControlPlanes).orElse(List.of()).stream())
                .filter(url -> !urls.contains(url))
                .forEach(urls::add);
        ControlPlaneEndpoints endpoints = new ControlPlaneEndpoints(urls, learned -> keepControlPlanes(file, controlPlane, learned));
        if (stored.isPresent()) {
            credential = stored.get().credential();
            if (!controlPlane.equals(stored.get().controlPlane())) {
                file.save(credential, controlPlane, stored.get().otherControlPlanes());
            }
            return endpoints;
        }
        if (config.joinToken() == null || config.joinToken().isBlank()) {
            throw new IOException("this agent has no host credential in " + directory + ": join with --token TOKEN (get one with `berth host token` on the control plane)");
        }
        credential = ControlPlaneJoin.join(endpoints, config.joinToken().strip(), directory);
        file.save(credential, endpoints.current());
        log.info("joined the control plane at {} as host {}", endpoints.current(), credential.hostId());
        return endpoints;
    }

    /** Keeps the control planes the agent learned beside its credential, for its next start (a failure is only logged). */
    private void keepControlPlanes(CredentialFile file, URI controlPlane, List<URI> learned)
    {
        synchronized (credentialLock) {
            try {
                file.save(credential, controlPlane, learned.stream().filter(url -> !url.equals(controlPlane)).toList());
            }
            catch (IOException e) {
                log.warn("cannot keep the control planes this agent learned in {}: {}", file.path(), e.toString());
            }
        }
    }

    /**
     * The control plane gave this host a new secret: kept in the credential file before the link speaks with it (a
     * failure keeps the old one, good for the rotation's grace), then a new endpoint certificate with a new key.
     */
    private void credentialRotated(HostCredential next)
            throws IOException
    {
        synchronized (credentialLock) {
            CredentialFile file = new CredentialFile(config.dataDirectory());
            CredentialFile.Stored stored = file.load().orElseThrow(() -> new IOException("the credential file " + file.path() + " is gone"));
            file.save(next, stored.controlPlane(), stored.otherControlPlanes());
            credential = next;
        }
        EndpointCertificate certificate = endpointCertificate;
        if (certificate != null) {
            try {
                certificate.renew();
            }
            catch (IOException | RuntimeException e) {
                log.warn("host {}: the agent endpoint keeps its certificate: a new one was not issued: {}", next.hostId(), e.toString());
            }
        }
    }

    /** A refused credential stops the start; an unreachable control plane does not (the agent retries every heartbeat). */
    private static void checkCredential(HttpControlPlaneLink link)
    {
        try {
            link.verifyCredential();
        }
        catch (UncheckedIOException e) {
            log.warn("{}; the agent starts anyway and keeps trying", e.getMessage());
        }
    }

    /**
     * The operator's insecure registries, and the control plane's host when the agent joined over http://: `berth
     * server` runs its registry there on plain HTTP then, so the fleet pulls from it with no --insecure-registry. A
     * control plane joined over https:// serves its registry over HTTPS with a certificate of the cluster CA (trusted
     * since the join), as every registry off loopback is reached.
     */
    static RegistryAccessPolicy registryAccessPolicy(Set<String> insecureRegistries, URI controlPlane)
    {
        RegistryAccessPolicy policy = new RegistryAccessPolicy(insecureRegistries);
        if ("http".equalsIgnoreCase(controlPlane.getScheme()) && controlPlane.getHost() != null) {
            String host = controlPlane.getHost();
            return policy.withPlainHttpHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        }
        return policy;
    }

    /** An HTTP/1.1 client with the registry's connect deadline that trusts the system's CAs and the control plane's. */
    private static HttpClient httpTrustingTheClusterCa(Path directory, HttpClient.Redirect redirects)
            throws IOException
    {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(RegistryDeadlines.DEFAULTS.connect())
                .followRedirects(redirects)
                .sslContext(TrustedCertificates.withSystem(ControlPlaneTrust.load(directory).orElse(List.of())))
                .build();
    }

    /** underlayAddress: where the other hosts' links to this host's task network end; null when not an IPv4 address (found from the route then). */
    private HostServices hostServices(Path directory, TieredRuntime runtime, URI controlPlane, String underlayAddress)
            throws IOException
    {
        // the registry's token endpoint is the control plane's API: trust its CA beside the system's (public registries)
        registryClient = new RegistryClient(registryAccessPolicy(config.insecureRegistries(), controlPlane), RegistryCredentials.fromDockerConfig(config.registryAuthFile()),
                httpTrustingTheClusterCa(directory, HttpClient.Redirect.NEVER), RegistryDeadlines.DEFAULTS);
        Path imageDirectory = directory.resolve("images");
        RegistryImageService images = new RegistryImageService(imageDirectory, registryClient, new LayerUnpacker(), Descriptor.Platform.LINUX_AMD64, config.imageLimits(), clock);
        images.removeInterruptedWork();
        TaskRecordStore taskRecords = new TaskRecordStore(directory.resolve("tasks"));
        long imageStoreBytes = config.imageStoreBytes() != null ? config.imageStoreBytes() : ImageGarbageCollector.defaultMaxStoreBytes(imageDirectory);
        // the task records on disk, not the agent's runners: they exist from a task's assignment on, also before the agent resumed them
        imageCollector = images.collectGarbageAbove(imageStoreBytes, () -> TaskImages.inUse(taskRecords.loadAll()));
        imageCollector.startPeriodic(ImageGarbageCollector.DEFAULT_INTERVAL);
        metrics.measureImageStore(imageCollector::measuredStoreBytes, imageStoreBytes);
        log.info("host {}: image store {} holds at most {}; unused images past that are removed", credential.hostId(), imageDirectory, ByteSizes.format(imageStoreBytes));
        // each task's containers write into the task's own filesystem, of the task's ephemeral storage size; a few of
        // the default size are made and mounted ahead, so most starts wait for no mkfs, loop device or mount
        // what is made ahead of need (spare storage, warm network namespaces) waits for the tasks starting or stopping
        TaskTransitions transitions = new TaskTransitions();
        LoopDeviceTaskStorage storage = new LoopDeviceTaskStorage(directory.resolve("storage"))
                .withSpareImages(TaskAssignment.DEFAULT_EPHEMERAL_STORAGE_GIB, SPARE_STORAGE_IMAGES, transitions);
        taskStorage = storage;
        return new HostServices(
                images,
                new OverlaySnapshotter(directory.resolve("rootfs"), storage),
                runtime,
                taskRecords,
                directory.resolve("logs"),
                clock,
                new CniTaskNetwork(new CniNetworkConfig(directory.resolve("network"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, config.bridgeName(), underlayAddress),
                        WARM_NETWORK_NAMESPACES, transitions),
                storage)
                .withIdRanges(new IdRanges(config.userNamespaces()))
                .withTransitions(transitions);
    }

    /**
     * runc for the container tier, and runsc for the sandbox tier when it answers. Each runtime's state (its root,
     * bundles, exit files) is in a directory of its own; the cgroup parent is this agent's own.
     */
    private TieredRuntime runtime(Path directory)
    {
        String cgroupParent = "berth/" + credential.hostId();
        List<RuncConmonRuntime> runtimes = new ArrayList<>();
        runtimes.add(new RuncConmonRuntime(directory.resolve("runtime"), OciRuntime.runc(OciRuntime.DEFAULT_RUNC), RuncConmonRuntime.DEFAULT_CONMON,
                cgroupParent, CgroupLayout.host(), clock));
        Optional<String> runscProblem = RuntimeProbe.problem(config.runscBinary(), RuntimeProbe.DEADLINE);
        if (runscProblem.isEmpty()) {
            runtimes.add(new RuncConmonRuntime(directory.resolve("runtime-sandbox"), OciRuntime.runsc(config.runscBinary()), RuncConmonRuntime.DEFAULT_CONMON,
                    cgroupParent, CgroupLayout.host(), clock));
            log.info("host {}: isolation sandbox offered with {}", credential.hostId(), config.runscBinary());
        }
        else {
            log.warn("host {}: no isolation sandbox on this host: {} (install Debian's runsc, or give its path with --runsc)", credential.hostId(), runscProblem.get());
        }
        return new TieredRuntime(runtimes);
    }

    /** The logs of the agent running now (none before it started), waiting reads included. */
    private final class CurrentAgentLogs
            implements TaskLogSource
    {
        @Override
        public Optional<LogChunk> read(String taskId, String token, int maxLines)
        {
            return read(taskId, token, maxLines, Duration.ZERO);
        }

        @Override
        public Optional<LogChunk> read(String taskId, String token, int maxLines, Duration wait)
        {
            Agent current = agent;
            return current == null ? Optional.empty() : current.logs().read(taskId, token, maxLines, wait);
        }
    }

    /**
     * Stops every task on this host (waiting up to timeout), then closes the agent, removes by force what did not stop
     * in time (a runtime whose stop hangs: see {@link io.berth.agent.tasks.TaskReconciler#tearDownUnstopped}), and
     * removes its cgroup parent and its part of the task network (bridge, links to other hosts, firewall tables).
     * Every step is tried even when an earlier one failed. Returns what could not be removed, each also logged; empty
     * when nothing of Berth's tasks is left on the host.
     */
    public List<String> stopAllTasksAndClose(Duration timeout)
    {
        Agent current = agent;
        if (current == null) {
            close();
            return List.of();
        }
        current.reconciler().stopAll(timeout);
        close();
        List<String> leftovers = new ArrayList<>(current.reconciler().tearDownUnstopped(FORCED_TEARDOWN_DEADLINE));
        if (current.host().runtime() instanceof TieredRuntime runtime) {
            runtime.removeCgroupParent();
            List<String> containers = runtime.containerIds();
            if (!containers.isEmpty()) {
                leftovers.add("containers " + String.join(", ", containers) + " (and the agent's cgroup parent with them)");
            }
        }
        if (current.host().network() instanceof CniTaskNetwork network) {
            try {
                network.removeHostNetworkIfUnused();
                List<String> namespaces = network.taskIds();
                if (!namespaces.isEmpty()) {
                    leftovers.add("the network namespaces of tasks " + String.join(", ", namespaces) + " (and the bridge and firewall tables with them)");
                }
            }
            catch (NetworkException | RuntimeException e) {
                leftovers.add("the task network: " + e.getMessage());
            }
        }
        for (String leftover : leftovers) {
            log.warn("host {}: left behind on the host: {}", credential.hostId(), leftover);
        }
        return leftovers;
    }

    @Override
    public synchronized void close()
    {
        if (agent != null) {
            Agent closing = agent;
            agent.close();
            agent = null;
            // containers outlive the agent and keep their cgroups in its parent; with none left, nothing needs the parent
            if (closing.host().runtime() instanceof TieredRuntime runtime) {
                try {
                    runtime.removeCgroupParent();
                }
                catch (RuntimeException e) {
                    log.warn("host {}: cannot remove the agent's cgroup parent: {}", credential.hostId(), e.getMessage());
                }
            }
        }
        if (taskStorage != null) {
            // a spare still being made would write into a directory its owner may remove next; the spares ready are
            // unmounted (their images stay for the next agent), so a stopped agent leaves no mount of its own
            taskStorage.closeSpares();
            taskStorage = null;
        }
        if (haproxy != null) {
            haproxy.close();
            haproxy = null;
        }
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
        if (imageCollector != null) {
            imageCollector.close();
            imageCollector = null;
        }
        if (registryClient != null) {
            registryClient.close();
            registryClient = null;
        }
    }
}
