package io.berth.cli.agent;

import io.berth.agent.images.ByteSizes;
import io.berth.agent.link.CredentialFile;
import io.berth.agent.upgrading.PendingUpgrade;
import io.berth.agent.userns.IdRangePool;
import io.berth.cli.commands.Durations;
import io.berth.cli.up.DataDirectoryLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** `berth agent`: runs this host's agent in the foreground, joined to a control plane. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run this host's agent in the foreground: join a control plane (`berth server`) and run the tasks it places here.")
public final class AgentCommand
        implements Callable<Integer>
{
    /** How long a removed host's tasks get to stop before it leaves. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--join", paramLabel = "URL[,URL...]", split = ",",
            description = "The control plane's URL, e.g. https://10.0.0.1:8686, or the URLs of several control planes on one PostgreSQL store, comma-separated: "
                    + "the agent joins and talks to the first that answers and moves to another when it stops answering; it also learns every "
                    + "control plane's URL from them (default: the one this agent joined before).")
    List<URI> controlPlanes = new ArrayList<>();

    @Option(names = "--token", paramLabel = "TOKEN", description = "Join token from `berth host token`; needed only the first time. Its sha256:... pin is checked against the control plane's CA before anything is sent.")
    String token;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the agent keeps its credential, images, tasks and logs (default: ${DEFAULT-VALUE}).",
            defaultValue = "/var/lib/berth-agent")
    Path dataDirectory;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "A registry to reach over plain HTTP (loopback registries always may be).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--registry-auth", paramLabel = "FILE", description = "Docker config.json with registry credentials (default: DIR/registry-auth.json).")
    Path registryAuthFile;

    @Option(names = {"--advertise-address", "--address"}, paramLabel = "IP",
            description = "This host's address as the control plane and the other hosts reach it: the agent endpoint listens there and the links between hosts end there (default: the address this host reaches the control plane from).")
    String address;

    /** Gone: kept only to tell whoever still passes it where task addresses come from now. */
    @Option(names = "--subnet", paramLabel = "CIDR", hidden = true)
    String subnet;

    @Option(names = "--agent-port", paramLabel = "PORT", description = "Port of this agent's endpoint, which serves task logs to the control plane (default: a free port).",
            defaultValue = "0")
    int agentPort;

    @Option(names = "--zone", paramLabel = "ZONE", description = "This host's availability zone, the attribute ecs.availability-zone (default: ${DEFAULT-VALUE}).",
            defaultValue = "default")
    String zone;

    @Option(names = "--attribute", paramLabel = "KEY=VALUE", description = "An attribute of this host for placement constraints; repeatable.")
    Map<String, String> attributes = new LinkedHashMap<>();

    @Option(names = "--cpu", paramLabel = "UNITS", description = "CPU units this host offers to tasks (default: 1024 per core).")
    Integer cpuUnits;

    @Option(names = "--memory", paramLabel = "MIB", description = "Memory in MiB this host offers to tasks (default: all of it).")
    Long memoryMiB;

    @Mixin
    OvercommitOptions overcommit = new OvercommitOptions();

    @Option(names = "--stopped-task-retention", paramLabel = "DURATION", description = "How long logs of stopped tasks stay on this host, e.g. 1h (default: ${DEFAULT-VALUE}).",
            defaultValue = "1h")
    String stoppedTaskRetention;

    @Option(names = "--max-image-size", paramLabel = "SIZE",
            description = "How much one image may unpack to on this host's disk, e.g. 10GiB or 500MiB; a larger image stops its task with CannotPullContainerError (default: ${DEFAULT-VALUE}).",
            defaultValue = "10GiB")
    String maxImageSize;

    @Option(names = "--image-store-size", paramLabel = "SIZE",
            description = "How much this host's image store (blobs and unpacked layers) may hold, e.g. 20GiB; past it, images no task on the host uses are removed, least recently used first (default: 50GiB or half of the data directory's filesystem, whichever is smaller).")
    String imageStoreSize;

    @Mixin
    TaskNetworkOptions taskNetwork = new TaskNetworkOptions();

    @Option(names = "--userns-base", paramLabel = "ID",
            description = "First host uid/gid of the ranges tasks' user namespaces get, one range of 65536 per task (default: ${DEFAULT-VALUE}, i.e. 2^30). Agents sharing a host need pools that do not overlap.",
            defaultValue = "" + IdRangePool.DEFAULT_BASE)
    long userNamespaceBase;

    @Option(names = "--userns-ranges", paramLabel = "N",
            description = "How many such ranges (tasks at once) this agent hands out (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + IdRangePool.DEFAULT_COUNT)
    int userNamespaceRanges;

    @Option(names = "--ingress", description = "This host serves the load balancers (ELBv2): the agent runs HAProxy (/usr/sbin/haproxy) with the "
            + "control plane's load balancers, each listening on its own address (DNSName), which the operator routes to this host.")
    boolean ingress;

    @Mixin
    RuntimeOptions runtimes = new RuntimeOptions();

    @Override
    public Integer call()
            throws Exception
    {
        if (agentPort < 0 || agentPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--agent-port must be from 0 to 65535");
        }
        if (subnet != null) {
            throw new ParameterException(spec.commandLine(), "berth agent no longer takes --subnet: the control plane assigns each host its slice of the task CIDR "
                    + "(berth server --task-cidr CIDR); drop --subnet from this command");
        }
        AgentNodeConfig config;
        try {
            config = AgentNodeConfig.defaults(dataDirectory).withTaskNetwork(taskNetwork.bridgeName())
                    .withMaxImageBytes(ByteSizes.parse(maxImageSize))
                    .withImageStoreBytes(imageStoreSize == null ? null : ByteSizes.parse(imageStoreSize))
                    .withUserNamespaces(new IdRangePool(userNamespaceBase, IdRangePool.DEFAULT_SLOT_SIZE, userNamespaceRanges));
        }
        catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Overcommit factors = overcommit.resolve(Overcommit.NONE, spec);
        config = config
                .withControlPlanes(controlPlanes, token)
                .withInsecureRegistries(Set.copyOf(insecureRegistries))
                .withEndpoint(address, agentPort)
                .withPlacement(zone, attributes)
                .withCapacity(offeredCpuUnits(cpuUnits, factors), offeredMemoryMiB(memoryMiB, factors))
                .withRunsc(runtimes.runscBinary())
                .withIngress(ingress);
        if (registryAuthFile != null) {
            config = config.withRegistryAuthFile(registryAuthFile.toAbsolutePath());
        }
        config = config.withTimings(config.heartbeatInterval(), Durations.parse(spec.commandLine(), stoppedTaskRetention));
        Files.createDirectories(config.dataDirectory());
        // held until the process ends, however it ends: one agent per data directory
        DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDirectory());
        UpgradeTrial upgrades = new UpgradeTrial(config.dataDirectory(), Clock.systemUTC());
        Optional<PendingUpgrade> trial = upgrades.pending();
        AgentNode created = null;
        try {
            created = new AgentNode(config, Clock.systemUTC());
            AgentNode handedOver = created;
            created.allowUpgrades(command -> upgrades.handOver(handedOver, lock, command));
            created.start();
        }
        catch (Exception | LinkageError e) {
            // a new build that cannot even start (a library missing, a bug) gives the host back to the old one
            AgentNode failed = created;
            trial.ifPresent(pending -> upgrades.rollBack(pending, failed, lock, "it did not start: " + e));
            throw e;
        }
        AgentNode node = created;
        if (trial.isPresent()) {
            upgrades.await(trial.get(), node, lock);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "berth-agent-shutdown"));
        spec.commandLine().getOut().printf("Berth agent for host %s is up, data in %s; its containers keep running when it stops.%n",
                node.hostId(), config.dataDirectory());
        spec.commandLine().getOut().flush();
        CompletableFuture<String> removed = node.removedFromCluster();
        removed.thenRun(stopped::countDown);
        stopped.await();
        if (removed.isDone()) {
            leaveCluster(node, config, removed.join());
            lock.close();
            return 1;
        }
        lock.close();
        return 0;
    }

    /**
     * The operator removed this host (`berth host rm`), which recorded its tasks STOPPED: stop them, remove the
     * host's network (bridge, links to other hosts, firewall tables) and its now useless credential, and say how
     * to join again.
     */
    private void leaveCluster(AgentNode node, AgentNodeConfig config, String reason)
            throws IOException
    {
        String hostId = node.hostId();
        node.stopAllTasksAndClose(LEAVE_TIMEOUT);
        Files.deleteIfExists(new CredentialFile(config.dataDirectory()).path());
        spec.commandLine().getErr().printf("berth agent: host %s was removed from the cluster (%s); its tasks were stopped and its network removed. "
                + "To join again: berth agent --join URL --token TOKEN --data-dir %s%n", hostId, reason, config.dataDirectory());
        spec.commandLine().getErr().flush();
    }

    /** The cpu to announce: the given or the machine's, times the overcommit; null (the machine's, found at start) when neither is set. */
    static Integer offeredCpuUnits(Integer cpuUnits, Overcommit overcommit)
    {
        return cpuUnits == null && overcommit.cpu() == 1 ? null : overcommit.cpuUnits(cpuUnits != null ? cpuUnits : HostCapacity.cpuUnits());
    }

    static Long offeredMemoryMiB(Long memoryMiB, Overcommit overcommit)
    {
        return memoryMiB == null && overcommit.memory() == 1 ? null : overcommit.memoryMiB(memoryMiB != null ? memoryMiB : HostCapacity.memoryMiB());
    }
}
