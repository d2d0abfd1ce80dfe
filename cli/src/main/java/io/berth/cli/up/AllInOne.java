package io.berth.cli.up;

import io.berth.agent.Agent;
import io.berth.agent.link.ControlPlaneTrust;
import io.berth.agent.link.CredentialFile;
import io.berth.common.tls.PemCertificates;
import io.berth.agent.userns.SearchablePaths;
import io.berth.cli.agent.AgentNode;
import io.berth.cli.agent.AgentNodeConfig;
import io.berth.cli.agent.HostCapacity;
import io.berth.cli.agent.HostRequirements;
import io.berth.cli.server.BerthServer;
import io.berth.cli.server.ServerConfig;
import io.berth.common.hostauth.HostCredential;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.network.TaskAddressPlan;
import io.berth.controlplane.accounts.AccessKey;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Berth on one machine: a local registry, the control plane server, and one agent for this host, composed
 * from the same pieces `berth server` and `berth agent` run. The agent talks to the control plane over HTTP on
 * loopback exactly as a remote agent does; only its credential is issued directly instead of through a join
 * token. Everything lives in the data directory, so a restart finds its clusters, tasks and containers again.
 */
public final class AllInOne
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

    private final AllInOneConfig config;
    private final UnaryOperator<ControlPlaneConfig> controlPlaneTuning;
    private final Clock clock = Clock.systemUTC();
    private BerthServer server;
    private AgentNode agentNode;
    private DataDirectoryLock lock;

    public AllInOne(AllInOneConfig config)
    {
        this(config, UnaryOperator.identity());
    }

    /** controlPlaneTuning adjusts the control plane's settings, e.g. shorter placement timeouts for tests. */
    public AllInOne(AllInOneConfig config, UnaryOperator<ControlPlaneConfig> controlPlaneTuning)
    {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(controlPlaneTuning, "controlPlaneTuning is null");
        // the task CIDR first, so that a tuning (berth up --host-prefix) can still cut it in slices
        TaskAddressPlan addresses = config.taskAddressPlan();
        this.controlPlaneTuning = settings -> controlPlaneTuning.apply(settings.withTaskAddressPlan(addresses));
    }

    public void start()
            throws IOException
    {
        HostRequirements.checkAgentHost("berth up");
        Path data = Files.createDirectories(config.dataDirectory());
        // the agent's containers run as unprivileged host uids, which must be able to search the way to their files
        SearchablePaths.allowSearch(data);
        lock = DataDirectoryLock.acquire(data);
        try {
            checkApiPortIsFree();
            // the registry serves this host's agent only: on loopback, whatever address the API listens on
            server = new BerthServer(new ServerConfig(data, config.bindAddress(), config.apiPort(), config.storeUrl(), config.region(),
                    config.stoppedTaskRetention(), new ServerConfig.Registry("127.0.0.1", config.registryPort()), config.metering(), config.tls()), clock, controlPlaneTuning);
            server.start();
            startAgent();
        }
        catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("berth up: API on {}, registry on {}, data in {}", endpoint(), registryAddress(), data);
    }

    /** Starts this host's agent; it adopts the containers an earlier agent left running. */
    public synchronized void startAgent()
            throws IOException
    {
        if (agentNode != null) {
            return;
        }
        Path agentDirectory = Files.createDirectories(config.dataDirectory().resolve("agent"));
        ensureCredential(agentDirectory);
        // the agent trusts the control plane by the same CA a remote agent pins when it joins
        if (server.caBundle() != null) {
            ControlPlaneTrust.save(agentDirectory, PemCertificates.read(server.caBundle()));
        }
        else {
            ControlPlaneTrust.forget(agentDirectory);
        }
        Set<String> insecure = new HashSet<>(config.insecureRegistries());
        insecure.add(registryAddress());
        AgentNodeConfig agentConfig = AgentNodeConfig.defaults(agentDirectory)
                .withControlPlane(loopbackEndpoint(), null)
                .withInsecureRegistries(insecure)
                .withRegistryAuthFile(config.dataDirectory().resolve("registry-auth.json"))
                .withEndpoint("127.0.0.1", 0)
                .withPlacement("local", Map.of())
                .withCapacity(config.overcommit().cpuUnits(HostCapacity.cpuUnits()), config.overcommit().memoryMiB(HostCapacity.memoryMiB()))
                .withTaskNetwork(config.bridgeName())
                .withTimings(config.heartbeatInterval(), config.stoppedTaskRetention())
                .withMaxImageBytes(config.maxImageBytes())
                .withRunsc(config.runscBinary())
                .withImageStoreBytes(config.imageStoreBytes())
                // this machine serves the load balancers: their addresses are on its loopback (127.77.0.0/16 by default)
                .withIngress(true);
        // one token reads the metrics of both the control plane and this agent
        AgentNode node = new AgentNode(agentConfig, clock, server.metricsTokenFile());
        node.start();
        agentNode = node;
    }

    /** Stops this host's agent as an agent crash or upgrade would: its containers keep running. */
    public synchronized void stopAgent()
    {
        if (agentNode != null) {
            agentNode.close();
            agentNode = null;
        }
    }

    /**
     * The operator runs this agent, so it needs no join token: the control plane issues its credential directly,
     * for the host id an earlier `berth up` recorded (so its tasks stay its own).
     */
    private void ensureCredential(Path agentDirectory)
            throws IOException
    {
        CredentialFile file = new CredentialFile(agentDirectory);
        if (file.load().isPresent()) {
            return;
        }
        HostCredential credential = server.controlPlane().hostAccess().issueCredential(hostId(agentDirectory));
        file.save(credential, null);
    }

    /** The agent reaches the server on loopback when the server listens there or on all addresses. */
    private URI loopbackEndpoint()
    {
        URI endpoint = server.endpoint();
        String bind = config.bindAddress();
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            return URI.create(endpoint.getScheme() + "://127.0.0.1:" + endpoint.getPort());
        }
        return endpoint;
    }

    public URI endpoint()
    {
        return server.endpoint();
    }

    public String registryAddress()
    {
        return server.registryAddress();
    }

    public AccessKey operatorKey()
    {
        return server.operatorKey();
    }

    public ControlPlane controlPlane()
    {
        return server.controlPlane();
    }

    public synchronized Agent agent()
    {
        return agentNode == null ? null : agentNode.agent();
    }

    public Path environmentFile()
    {
        return server.environmentFile();
    }

    /** The CA clients trust the API by (AWS_CA_BUNDLE); null when the API serves plain HTTP. */
    public Path caBundle()
    {
        return server.caBundle();
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

    /** The host id recorded in the agent directory by an earlier `berth up`, or a new one. */
    private static String hostId(Path agentDirectory)
            throws IOException
    {
        Path file = agentDirectory.resolve("host-id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String id = "host-" + HexFormat.of().formatHex(random);
        Files.writeString(file, id);
        return id;
    }

    /**
     * For tests and benchmarks: stops every task on this host, then closes Berth. Returns what could not be removed
     * from the host (see {@link AgentNode#stopAllTasksAndClose}); empty when nothing is left.
     */
    public List<String> stopAllTasksAndClose(Duration timeout)
    {
        AgentNode node;
        synchronized (this) {
            node = agentNode;
            agentNode = null;
            if (server != null) {
                // a service's controller would otherwise start replacements for the tasks being stopped
                server.stopMaintenance();
            }
        }
        List<String> leftovers = node == null ? List.of() : node.stopAllTasksAndClose(timeout);
        close();
        return leftovers;
    }

    @Override
    public synchronized void close()
    {
        stopAgent();
        if (server != null) {
            server.close();
            server = null;
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
