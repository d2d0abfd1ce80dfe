package io.berth.agent;

import io.berth.agent.logs.AwsLogsShipper;
import io.berth.agent.logs.ShippedTask;
import io.berth.agent.logs.TaskLogs;
import io.berth.agent.metadata.ContainerTokens;
import io.berth.agent.metadata.TaskMetadataDocuments;
import io.berth.agent.metadata.TaskMetadataServer;
import io.berth.agent.metadata.TaskRoleCredentialsCache;
import io.berth.agent.link.ControlPlaneRefusedException;
import io.berth.agent.metering.MeteredRuntime;
import io.berth.agent.metrics.AgentMetrics;
import io.berth.agent.metrics.MeasuredHost;
import io.berth.agent.metrics.TaskLifecycleLink;
import io.berth.agent.metering.UsageLedger;
import io.berth.agent.metering.UsageReportingLink;
import io.berth.agent.metering.UsageSampler;
import io.berth.agent.network.NetworkException;
import io.berth.agent.health.HealthMonitor;
import io.berth.agent.tasks.HostServices;
import io.berth.agent.tasks.TaskChangeListener;
import io.berth.agent.tasks.TaskReconciler;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.agent.ingress.IngressLink;
import io.berth.common.agentprotocol.LogShippingLink;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.files.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * One host's agent: a reconcile loop that runs on every heartbeat, on every change the control plane
 * announces and on every change of a local task. Closing the agent leaves containers running.
 */
public final class Agent
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration LOG_PURGE_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_USAGE_SAMPLE_INTERVAL = Duration.ofSeconds(5);
    /** How often the lines of awslogs containers are looked for and shipped while all so far are shipped. */
    private static final Duration AWSLOGS_SHIP_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long a task's step between its start and RUNNING, or between its stop and STOPPED, may wait to be reported
     * with the next change ({@link TaskChangeListener}): a stop's cleanup and most starts take less, so their steps
     * travel in the sync that reports the end, and the start or stop is not slowed by syncs of its own steps.
     */
    static final Duration STEP_REPORT_DELAY = Duration.ofMillis(150);
    /** How long the change listener waits at most for the sync a wake-up asked for before it polls again. */
    private static final Duration SYNC_AFTER_WAKE_UP_WAIT = Duration.ofSeconds(5);

    private final AgentConfig config;
    private final ControlPlaneLink link;
    private final HostServices host;
    private final TaskReconciler reconciler;
    private final HealthMonitor healthChecks;
    private final TaskLogs logs;
    private final UsageSampler usageSampler;
    private final TaskMetadataServer metadataServer;
    /** Null when the link cannot ship lines (then awslogs containers' lines stay on the host, in berth logs only). */
    private final AwsLogsShipper awslogsShipper;
    private final Semaphore wakeUps = new Semaphore(0);
    private final CompletableFuture<String> removedFromCluster = new CompletableFuture<>();
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
    private volatile boolean running;
    /** Whether the control plane has answered a sync of this agent: a host it once knew and then refuses was removed. */
    private volatile boolean synced;
    /** What the last wake-ups asked of the reconcile loop: a sync, or the network plan alone. */
    private final AtomicBoolean syncWanted = new AtomicBoolean();
    private final AtomicBoolean networkWanted = new AtomicBoolean();
    /** The task steps that wait to be reported, and the syncs begun and ended. */
    private final SyncRounds syncRounds = new SyncRounds(STEP_REPORT_DELAY, System::nanoTime);
    private Thread loop;
    private Thread changeListener;
    private Instant lastLogPurge = Instant.EPOCH;

    /** Keeps task usage in a "usage" directory beside the log directory, sampled every 5 s. */
    public Agent(AgentConfig config, ControlPlaneLink link, HostServices host)
    {
        this(config, link, host, new AgentMetrics());
    }

    /** Measures its tasks' steps, starts and stops into metrics. */
    public Agent(AgentConfig config, ControlPlaneLink link, HostServices host, AgentMetrics metrics)
    {
        this(config, link, host, host.logDirectory().toAbsolutePath().resolveSibling("usage"), DEFAULT_USAGE_SAMPLE_INTERVAL, metrics);
    }

    /**
     * @param usageDirectory where the usage of each container is kept across agent restarts
     * @param usageSampleInterval how often the cgroups of running containers are read
     */
    public Agent(AgentConfig config, ControlPlaneLink link, HostServices host, Path usageDirectory, Duration usageSampleInterval)
    {
        this(config, link, host, usageDirectory, usageSampleInterval, new AgentMetrics());
    }

    public Agent(AgentConfig config, ControlPlaneLink link, HostServices host, Path usageDirectory, Duration usageSampleInterval, AgentMetrics metrics)
    {
        requireNonNull(metrics, "metrics is null");
        this.config = requireNonNull(config, "config is null");
        this.link = requireNonNull(link, "link is null");
        this.host = requireNonNull(host, "host is null");
        // metering wraps the runtime (a last reading before each delete) and the link (usage in each report)
        UsageLedger usage = new UsageLedger(usageDirectory);
        MeteredRuntime meteredRuntime = new MeteredRuntime(host.runtime(), usage, host.clock());
        // the task metadata endpoint: its URLs go into every container's environment; it serves the tasks' role keys too
        TaskRoleCredentialsCache roleCredentials = new TaskRoleCredentialsCache();
        this.metadataServer = new TaskMetadataServer(
                ContainerTokens.fromSecretFile(host.logDirectory().toAbsolutePath().resolveSibling("metadata").resolve("token-secret")),
                this::heldTasks,
                host.runtime(),
                new TaskMetadataDocuments(config.host().attributes().getOrDefault("ecs.availability-zone", "local")),
                host.clock(),
                roleCredentials);
        // one health monitor for every task of the host, closed with the agent
        this.healthChecks = new HealthMonitor(meteredRuntime, host.clock());
        HostServices meteredHost = MeasuredHost.of(host.withRuntime(meteredRuntime), metrics)
                .withContainerEnvironment(metadataServer.environment()).withHealthChecks(healthChecks);
        // before the reconciler: its tasks' changes wake the reads waiting on their logs
        this.logs = new TaskLogs(host.logDirectory(), this::mayStillWriteLogs);
        this.reconciler = new TaskReconciler(config.host(), new UsageReportingLink(new TaskLifecycleLink(link, metrics, host.clock()), usage), meteredHost, this::taskChanged, this::startMetadataServer,
                assignments -> onAssignments(roleCredentials, assignments));
        this.usageSampler = new UsageSampler(meteredRuntime, usage, reconciler::tasks, usageSampleInterval, host.clock());
        // an ingress host's link wraps the one to the control plane, which is the one that ships lines
        ControlPlaneLink controlPlane = link instanceof IngressLink ingress ? ingress.inner() : link;
        if (controlPlane instanceof LogShippingLink shipping) {
            this.awslogsShipper = new AwsLogsShipper(host.logDirectory(), config.host().hostId(), shipping, this::awslogsTasks, AWSLOGS_SHIP_INTERVAL);
        }
        else {
            this.awslogsShipper = null;
            log.warn("host {}: this control plane link cannot ship container lines; awslogs containers' lines stay in berth logs only", config.host().hostId());
        }
    }

    public synchronized void start()
    {
        if (running) {
            return;
        }
        running = true;
        // the network the last plan made, before resumed tasks are checked: running tasks keep their network
        try {
            host.network().restore();
        }
        catch (NetworkException e) {
            log.warn("host {}: cannot restore the stored network plan, waiting for the control plane's: {}", config.host().hostId(), e.getMessage());
        }
        // before any container starts, so that each gets the endpoint's URL; without a plan yet, once the first arrives
        startMetadataServer();
        reconciler.resume();
        usageSampler.start();
        if (awslogsShipper != null) {
            awslogsShipper.start();
        }
        loop = Thread.ofPlatform().name("agent-reconcile").daemon().start(this::reconcileLoop);
        // virtual: an interrupt (close) ends the long poll under way by closing its socket
        changeListener = Thread.ofVirtual().name("agent-changes").start(this::listenForChanges);
        log.info("agent for host {} started", config.host().hostId());
    }

    /**
     * Listens on the tasks' gateway address as soon as a network plan made it, never on the host's outside
     * interfaces, and opens the task firewall to it. Without it the agent still runs tasks; their containers get
     * no metadata URL. Called again after every plan; only the first call with a gateway starts the server.
     */
    private void startMetadataServer()
    {
        if (config.metadataPort() == AgentConfig.METADATA_OFF || metadataServer.port().isPresent()) {
            return;
        }
        try {
            Optional<String> gateway = host.network().gateway();
            if (gateway.isPresent()) {
                metadataServer.start(gateway.get(), config.metadataPort());
                host.network().openMetadataEndpoint(metadataServer.port().orElseThrow());
            }
        }
        catch (NetworkException | IOException e) {
            log.warn("host {}: no task metadata endpoint, containers get no {}: cannot listen on port {} of the task gateway: {}",
                    config.host().hostId(), TaskMetadataServer.URI_V4_VARIABLE, config.metadataPort(), e.getMessage());
        }
    }

    /** Where tasks on this host read their metadata, e.g. http://10.213.0.1:51680; empty when it does not run. */
    public Optional<String> metadataEndpoint()
    {
        return metadataServer.baseUrl();
    }

    /**
     * Completes, with the control plane's words, when the control plane refuses this host after having known it:
     * the operator removed it (`berth host rm`). The agent then stops reconciling; its tasks keep running until
     * whoever runs it decides (berth agent stops them and removes the host's network).
     */
    public CompletableFuture<String> removedFromCluster()
    {
        return removedFromCluster;
    }

    /** Completes when the control plane first answered this agent's sync: an upgraded agent is back once it has. */
    public CompletableFuture<Void> firstSync()
    {
        return firstSync;
    }

    public HostServices host()
    {
        return host;
    }

    public TaskReconciler reconciler()
    {
        return reconciler;
    }

    /** The logs of the tasks on this host, for the control plane to serve. */
    public TaskLogSource logs()
    {
        return logs;
    }

    private List<TaskRecord> heldTasks()
    {
        return reconciler.tasks();
    }

    /** Each sync's tasks: their newest role keys, and their awslogs containers (shipped even if a task is soon forgotten). */
    private void onAssignments(TaskRoleCredentialsCache roleCredentials, List<TaskAssignment> assignments)
    {
        roleCredentials.update(assignments);
        if (awslogsShipper != null) {
            awslogsShipper.assigned(assignments.stream().map(Agent::awslogsTask).toList());
        }
    }

    private List<ShippedTask> awslogsTasks()
    {
        return reconciler.tasks().stream()
                .map(task -> new ShippedTask(task.taskId(), awslogsContainers(task.assignment()), task.status() != TaskReport.Status.STOPPED))
                .filter(task -> !task.containers().isEmpty())
                .toList();
    }

    private static ShippedTask awslogsTask(TaskAssignment assignment)
    {
        return new ShippedTask(assignment.taskId(), awslogsContainers(assignment), true);
    }

    private static List<String> awslogsContainers(TaskAssignment assignment)
    {
        return assignment.containers().stream().filter(container -> container.awslogs() != null).map(ContainerSpec::name).toList();
    }

    private boolean mayStillWriteLogs(String taskId)
    {
        return reconciler.tasks().stream().anyMatch(task -> task.taskId().equals(taskId) && TaskLogs.mayStillWrite(task.toReport()));
    }

    /** A sync is wanted now: a task's state changed here, or the control plane's desired state may have. */
    private void wakeUp()
    {
        syncWanted.set(true);
        wakeUps.release();
        // a container that exited may have made its task's log whole
        logs.changed();
    }

    /** A task's report changed: what is waited for is synced at once, a step in between within {@link #STEP_REPORT_DELAY}. */
    private void taskChanged(boolean awaited)
    {
        if (awaited) {
            wakeUp();
            return;
        }
        syncRounds.stepChanged();
        // the reconcile loop then waits no longer than the step's delay
        wakeUps.release();
        logs.changed();
    }

    /** Only the host's network plan changed at the control plane: fetching it alone is enough (see HostChange). */
    private void wakeUpForNetwork()
    {
        networkWanted.set(true);
        wakeUps.release();
    }

    private void reconcileLoop()
    {
        long lastSync = System.nanoTime();
        while (running) {
            try {
                wakeUps.drainPermits();
                boolean network = networkWanted.getAndSet(false);
                boolean sync = syncWanted.getAndSet(false);
                boolean syncDue = sync || syncRounds.nanosUntilStepsDue() <= 0 || !synced || System.nanoTime() - lastSync >= config.heartbeatInterval().toNanos();
                // a change of the network alone, between heartbeats: the plan alone spares the control plane a sync (a task
                // that starts changes the network of every host holding tasks of its account); a plan it cannot fetch
                // alone is synced for. A wake-up whose wish an earlier round already met does nothing.
                boolean networkFetched = !syncDue && network && reconciler.refreshNetwork();
                if (syncDue || (network && !networkFetched)) {
                    lastSync = System.nanoTime();
                    syncRounds.syncBegins();
                    try {
                        reconciler.reconcile();
                    }
                    finally {
                        syncRounds.syncEnded();
                    }
                    synced = true;
                    firstSync.complete(null);
                    purgeOldLogs();
                }
            }
            catch (ControlPlaneRefusedException e) {
                if (e.status() == 401 && synced) {
                    // `berth host rm`: the host and its credential are gone; reconciling further would only spin
                    log.error("host {}: the control plane no longer knows this host, it was removed from the cluster: {}", config.host().hostId(), e.getMessage());
                    removedFromCluster.complete(e.getMessage());
                    return;
                }
                log.warn("host {}: the control plane refused this host, retrying: {}", config.host().hostId(), e.getMessage());
            }
            catch (RuntimeException e) {
                log.warn("host {}: reconcile failed, retrying: {}", config.host().hostId(), e.toString());
            }
            try {
                long untilHeartbeat = config.heartbeatInterval().toNanos() - (System.nanoTime() - lastSync);
                wakeUps.tryAcquire(Math.max(0, Math.min(untilHeartbeat, syncRounds.nanosUntilStepsDue())), TimeUnit.NANOSECONDS);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    private void listenForChanges()
    {
        while (running) {
            try {
                switch (link.awaitChanges(config.host().hostId(), Duration.ofSeconds(30))) {
                    case NONE -> {}
                    case NETWORK -> wakeUpForNetwork();
                    case ANY -> {
                        long begun = syncRounds.begunSoFar();
                        wakeUp();
                        // polled again before the sync begins there, the same change would answer at once (see SyncRounds)
                        syncRounds.awaitSyncAfter(begun, SYNC_AFTER_WAKE_UP_WAIT);
                    }
                }
            }
            catch (InterruptedException e) {
                return;
            }
            catch (RuntimeException e) {
                // the control plane is away; the heartbeat loop reports that, so only pace the retries here
                try {
                    Thread.sleep(config.heartbeatInterval().toMillis());
                }
                catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Logs of tasks this host no longer holds, older than the retention, are deleted. */
    private void purgeOldLogs()
    {
        Instant now = host.clock().instant();
        if (Duration.between(lastLogPurge, now).compareTo(LOG_PURGE_INTERVAL) < 0) {
            return;
        }
        lastLogPurge = now;
        Set<String> held = new HashSet<>();
        reconciler.tasks().forEach(task -> held.add(task.taskId()));
        Path logs = host.logDirectory();
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> taskDirectories = Files.list(logs)) {
            for (Path directory : taskDirectories.toList()) {
                if (held.contains(directory.getFileName().toString())) {
                    continue;
                }
                Instant modified = Files.getLastModifiedTime(directory).toInstant();
                if (modified.plus(config.stoppedTaskRetention()).isBefore(now)) {
                    FileTrees.deleteRecursively(directory);
                }
            }
        }
        catch (IOException e) {
            log.warn("cannot purge old logs: {}", e.getMessage());
        }
    }


    @Override
    public synchronized void close()
    {
        if (!running) {
            return;
        }
        running = false;
        loop.interrupt();
        changeListener.interrupt();
        usageSampler.close();
        if (awslogsShipper != null) {
            awslogsShipper.close();
        }
        reconciler.shutdown();
        // warm namespaces are the agent's, not any task's: they go with it (the next agent's start removes any left)
        for (String leftover : host.network().releaseWarm()) {
            log.warn("host {}: could not remove {}", config.host().hostId(), leftover);
        }
        healthChecks.close();
        metadataServer.close();
        try {
            loop.join(5_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("agent for host {} stopped; its containers keep running", config.host().hostId());
    }
}
