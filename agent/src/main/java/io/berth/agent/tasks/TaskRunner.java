package io.berth.agent.tasks;

import io.berth.agent.images.ImagePullException;
import io.berth.agent.images.PulledImage;
import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.network.NetworkException;
import io.berth.agent.process.TaskTransitions;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ResourceLimits;
import io.berth.agent.runtime.VolumeBind;
import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.IdRanges;
import io.berth.agent.userns.IdRangesExhaustedException;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.RegistryLogin;
import io.berth.common.agentprotocol.TaskSecrets;
import io.berth.common.agentprotocol.HealthStatus;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Takes one task through its life on this host: pull, network and storage (side by side), root filesystems, start (in dependsOn
 * order), watch, stop (dependents first), clean up.
 * Every step is recorded before the next begins, so a new runner built from the saved record (after an
 * agent restart) resumes where the old one was: containers that run are adopted, not started again.
 */
public final class TaskRunner
        implements Runnable
{
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    public static final String ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited";
    public static final String TASK_FAILED_TO_START = "TaskFailedToStart";
    /** ECS stops a task whose essential container fails its health checks with this code and reason. */
    public static final String SERVICE_SCHEDULER_INITIATED = "ServiceSchedulerInitiated";
    public static final String HEALTH_CHECKS_FAILED = "Task failed container health checks";
    static final String OOM_REASON = "OutOfMemoryError: Container killed due to memory usage";
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(100);
    /**
     * How often a running task's containers are looked at when the runtime tells of exits as they happen: only
     * what it does not tell (health results, dependencies waiting on them) waits this long. An idle host then
     * costs next to nothing per task.
     */
    private static final Duration REPORTED_EXITS_WATCH_INTERVAL = Duration.ofSeconds(1);
    /**
     * How often a running task is looked at when the runtime tells of exits and nothing else can change: every
     * container started, none with a health check. Only a lost exit report would wait this long; a stop request
     * wakes the runner at once.
     */
    private static final Duration QUIET_WATCH_INTERVAL = Duration.ofSeconds(10);
    /** While stopping, exits are looked for more often: a StopTask waits on them, and a look is a file read. */
    private static final Duration STOPPING_WATCH_INTERVAL = Duration.ofMillis(10);
    /** While stopping, with exits told as they happen: only kill deadlines are looked for, and 100 tasks stopping at once cost little. */
    private static final Duration REPORTED_EXITS_STOPPING_WATCH_INTERVAL = Duration.ofMillis(100);
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final HostServices host;
    private final TaskChangeListener onChange;
    private final AtomicReference<TaskRecord> record;
    private final Object wakeUp = new Object();
    /** Set by {@link #wake()} under wakeUp's lock, cleared by the supervising loop before it looks again. */
    private boolean woken;
    /** Images pulled by this runner, by container name; after an agent restart they are looked up again. */
    private final Map<String, PulledImage> images = new HashMap<>();
    /** The root filesystems mounted ahead of their containers' starts, by container id; only the runner's thread uses it. */
    private final Map<String, Path> rootFilesystems = new HashMap<>();
    private final RetryBackoff cleanupRetry;
    private volatile boolean stopRequested;
    /** How long a task resumed after an agent restart waits for the control plane to hand its secrets again. */
    private static final Duration SECRETS_WAIT = Duration.ofSeconds(30);
    /** The values of the task's secrets, from the control plane's latest assignment; never written to disk. */
    private volatile TaskSecrets secrets;
    private volatile boolean detached;
    /** Held while the task starts (until RUNNING) and while it stops: the host's count of them ({@link HostServices#transitions()}). */
    private volatile TaskTransitions.Transition transition;
    /** Held from the task's preparation to its containers' first start: the host's turns to start ({@link TaskTransitions#awaitStartTurn}). */
    private volatile TaskTransitions.StartTurn startTurn;
    private final Duration watchInterval;
    private final Duration quietWatchInterval;
    private final Duration stoppingWatchInterval;

    public TaskRunner(TaskRecord record, HostServices host, Runnable onChange)
    {
        this(record, host, onChange, false);
    }

    /** @param exitsReported whether the runtime tells of exits as they happen ({@link #wake()}), so running containers are looked at rarely */
    public TaskRunner(TaskRecord record, HostServices host, Runnable onChange, boolean exitsReported)
    {
        this(record, host, TaskChangeListener.always(onChange), exitsReported);
    }

    /** onChange: told of each change of the task's report, and whether it is one that is waited for (see {@link TaskChangeListener}). */
    public TaskRunner(TaskRecord record, HostServices host, TaskChangeListener onChange, boolean exitsReported)
    {
        this(record, host, onChange, RetryBackoff.CLEANUP, exitsReported);
    }

    TaskRunner(TaskRecord record, HostServices host, Runnable onChange, RetryBackoff cleanupRetry)
    {
        this(record, host, TaskChangeListener.always(onChange), cleanupRetry, false);
    }

    private TaskRunner(TaskRecord record, HostServices host, TaskChangeListener onChange, RetryBackoff cleanupRetry, boolean exitsReported)
    {
        this.record = new AtomicReference<>(requireNonNull(record, "record is null"));
        this.host = requireNonNull(host, "host is null");
        this.onChange = requireNonNull(onChange, "onChange is null");
        this.cleanupRetry = requireNonNull(cleanupRetry, "cleanupRetry is null");
        this.watchInterval = exitsReported ? REPORTED_EXITS_WATCH_INTERVAL : WATCH_INTERVAL;
        this.quietWatchInterval = exitsReported ? QUIET_WATCH_INTERVAL : WATCH_INTERVAL;
        this.stoppingWatchInterval = exitsReported ? REPORTED_EXITS_STOPPING_WATCH_INTERVAL : STOPPING_WATCH_INTERVAL;
    }

    /** Makes the runner look at its containers now: one of them may have exited. */
    public void wake()
    {
        synchronized (wakeUp) {
            woken = true;
            wakeUp.notifyAll();
        }
    }

    public String taskId()
    {
        return record.get().taskId();
    }

    public TaskRecord record()
    {
        return record.get();
    }

    /** The task's secrets as the latest assignment carries them (null: none came with it, the ones held stay). */
    public void offerSecrets(TaskSecrets value)
    {
        if (value != null) {
            secrets = value;
            wake();
        }
    }

    /**
     * The secrets to start or pull with; empty when the task has secrets whose values this agent does not hold (it
     * restarted, and the control plane has not handed them again within {@link #SECRETS_WAIT}: it does on its next
     * sync while the task is still to start).
     */
    private Optional<TaskSecrets> heldSecrets()
    {
        Instant deadline = now().plus(SECRETS_WAIT);
        while (true) {
            TaskSecrets held = secrets;
            if (held != null) {
                return Optional.of(held);
            }
            if (record.get().assignment().secrets() == null) {
                return Optional.of(TaskSecrets.NONE);
            }
            if (stopRequested || !now().isBefore(deadline)) {
                return Optional.empty();
            }
            try {
                synchronized (wakeUp) {
                    wakeUp.wait(200);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Asks the task to stop; the reason is the control plane's to tell, so none is recorded here. */
    public void requestStop()
    {
        stopRequested = true;
        wake();
        // a task still waiting for its turn to start leaves the line at once
        host.transitions().nudge();
    }

    /**
     * Lets go of the task without touching it, as an agent shutting down does: nothing more is recorded
     * or done, so the next agent's runner alone decides what happens to the containers.
     */
    public void detach()
    {
        detached = true;
    }

    @Override
    public void run()
    {
        try {
            if (record.get().status() == Status.PENDING) {
                beginTransition();
            }
            if (record.get().status() == Status.PENDING && !stopRequested) {
                startTurn = host.transitions().awaitStartTurn(() -> stopRequested).orElse(null);
            }
            if (record.get().status() == Status.PENDING && !stopRequested) {
                if (!prepare()) {
                    return;
                }
            }
            if (record.get().status() != Status.STOPPED) {
                superviseUntilAllExited();
                cleanUp();
            }
        }
        catch (InterruptedException e) {
            // the agent is shutting down: containers keep running and the next agent adopts them
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            if (detached || Thread.currentThread().isInterrupted()) {
                // interrupted by the agent's shutdown, not a failure of the task
                return;
            }
            log.error("task {}: unexpected failure, stopping it", taskId(), e);
            update(current -> current.withStopReason(TASK_FAILED_TO_START, "InternalError: " + e.getMessage()));
            stopAllContainers();
            cleanUp();
        }
        finally {
            endStartTurn();
            endTransition();
        }
    }

    /** The task's preparation and its containers' first start are done, or it ended: the next task may start. */
    private void endStartTurn()
    {
        TaskTransitions.StartTurn current = startTurn;
        startTurn = null;
        if (current != null) {
            current.close();
        }
    }

    /** The task starts or stops: the host's work done ahead of need waits for it. */
    private void beginTransition()
    {
        if (transition == null) {
            transition = host.transitions().begin();
        }
    }

    /** The task runs, or stopped: the host's work done ahead of need no longer waits for it. */
    private void endTransition()
    {
        TaskTransitions.Transition current = transition;
        transition = null;
        if (current != null) {
            current.close();
        }
    }

    /**
     * Pulls every image and sets up the task's network and storage; false when the task ended because one of them
     * failed. The network and the storage do not depend on the images, nor on each other: both are made while the
     * images are resolved, each on a thread of its own. The containers' root filesystems need the images, the
     * storage and the id range, not the network: they are mounted while the network is still being made.
     */
    private boolean prepare()
    {
        update(current -> current.withPullStarted(now()));
        if (!allocateIdRange()) {
            return false;
        }
        String accountId = record.get().assignment().accountId();
        CompletableFuture<NetworkAttachment> network = SideStep.start("network-" + taskId(), () -> host.network().setUp(taskId(), accountId).orElse(null));
        CompletableFuture<String> storageFailure = SideStep.start("storage-" + taskId(), this::createStorage);
        for (ContainerSpec spec : record.get().assignment().containers()) {
            if (image(spec).isEmpty()) {
                // the cleanup removes the network and the storage: it waits until both are made (each step has a deadline)
                network.exceptionally(failure -> null).join();
                storageFailure.join();
                finishWithoutStarting(record.get().stoppedReason());
                return false;
            }
        }
        update(current -> current.withPullStopped(now()));
        String failure = storageFailure.join();
        if (failure == null) {
            prepareRootFilesystems();
        }
        try {
            NetworkAttachment attachment = network.join();
            update(current -> current.withNetwork(attachment));
        }
        catch (CompletionException e) {
            if (!(e.getCause() instanceof NetworkException networkFailure)) {
                throw e.getCause() instanceof RuntimeException unexpected ? unexpected : e;
            }
            String reason = "ResourceInitializationError: cannot set up the task's network: " + networkFailure.getMessage();
            log.warn("task {}: {}", taskId(), reason);
            update(current -> current.withStopReason(TASK_FAILED_TO_START, reason));
            finishWithoutStarting(reason);
            return false;
        }
        if (failure != null) {
            update(current -> current.withStopReason(TASK_FAILED_TO_START, failure));
            finishWithoutStarting(failure);
            return false;
        }
        return true;
    }

    /**
     * Has the user namespace of the id range the next task will get made now, so that task's root filesystem takes no
     * process to make one (on its own thread: this task goes on supervising). Right away, not once the host is quiet
     * as the pools wait for: one short helper process, and tasks run back to back (CI jobs) leave no quiet moment
     * before the next start.
     */
    private void prepareAheadForTheNextTask()
    {
        IdRanges ranges = host.idRanges();
        if (ranges == null || record.get().idMapping() == null) {
            return;
        }
        SideStep.start("userns-ahead-" + taskId(), () -> {
            Optional<IdMapping> next = ranges.next();
            if (next.isPresent()) {
                host.snapshotter().prepareAhead(next.get());
            }
            return null;
        }).exceptionally(failure -> {
            // the next task makes its own then
            log.info("cannot make a user namespace ahead of need: {}", failure.getMessage());
            return null;
        });
    }

    /**
     * Mounts every container's root filesystem ahead of its start. A failure is left to the container's start, which
     * prepares again (what is mounted stays) and stops the task with the reason.
     */
    private void prepareRootFilesystems()
    {
        for (ContainerSpec spec : record.get().assignment().containers()) {
            PulledImage image = images.get(spec.name());
            if (image == null) {
                continue;
            }
            String containerId = containerRecord(spec.name()).containerId();
            try {
                rootFilesystems.put(containerId, host.snapshotter().prepare(containerId, image.layers(), record.get().idMapping()));
            }
            catch (IOException | RuntimeException e) {
                log.info("task {}: the root filesystem of container {} is made again at its start: {}", taskId(), spec.name(), e.getMessage());
            }
        }
    }

    /**
     * Gives the task its host id range, recorded before anything is made with it; false when none is free (the
     * task ended, with the reason). A resumed task gets the range its record holds.
     */
    private boolean allocateIdRange()
    {
        IdRanges ranges = host.idRanges();
        // gVisor's sentry is the sandbox's boundary and serves the files itself: its rootfs keeps the image's owners
        // as they are on disk, so a sandbox task takes no range and its layers are not idmapped
        if (ranges == null || record.get().assignment().isolation() == IsolationTier.SANDBOX) {
            return true;
        }
        try {
            IdMapping mapping = ranges.allocate(taskId());
            update(current -> current.withIdMapping(mapping));
            return true;
        }
        catch (IdRangesExhaustedException e) {
            String reason = "ResourceInitializationError: " + e.getMessage();
            log.warn("task {}: {}", taskId(), reason);
            update(current -> current.withStopReason(TASK_FAILED_TO_START, reason));
            finishWithoutStarting(reason);
            return false;
        }
    }

    /**
     * Makes the task's writable storage, which holds every container's writable layer. Returns null, or the stop
     * reason when it failed. Runs beside the network's set-up and the pulls, so it records nothing itself.
     */
    private String createStorage()
    {
        TaskRecord current = record.get();
        int sizeGiB = current.assignment().ephemeralStorageSizeGiB();
        try {
            host.storage().create(taskId(), sizeGiB, current.containers().stream().map(ContainerRecord::containerId).toList());
            return null;
        }
        catch (IOException | RuntimeException e) {
            String reason = "ResourceInitializationError: cannot create the task's ephemeral storage of " + sizeGiB + " GiB: " + e.getMessage();
            log.warn("task {}: {}", taskId(), reason);
            return reason;
        }
    }

    /** The container's image, pulled (or found in the local store); empty when the pull failed, recorded as the task's stop reason. */
    private Optional<PulledImage> image(ContainerSpec spec)
    {
        PulledImage known = images.get(spec.name());
        if (known != null) {
            return Optional.of(known);
        }
        try {
            // a container with repositoryCredentials pulls with them (an outside registry), the others with the account's login
            Optional<TaskSecrets> held = heldSecrets();
            if (held.isEmpty()) {
                throw new ImagePullException("the task's registry credentials are not on this host (the agent restarted before the pull); stop the task and run it again");
            }
            RegistryLogin login = held.get().registryLogins().get(spec.name());
            PulledImage image = host.images().pull(spec.image(), login != null ? login : record.get().assignment().registryLogin(), record.get().assignment().accountId());
            images.put(spec.name(), image);
            update(current -> current.withContainer(spec.name(), container -> container.withImageDigest(image.manifestDigest())));
            return Optional.of(image);
        }
        catch (ImagePullException e) {
            String reason = "CannotPullContainerError: " + e.getMessage();
            log.info("task {}: pull of {} failed: {}", taskId(), spec.image(), e.getMessage());
            update(current -> current.withPullStopped(current.pullStoppedAt() == null ? now() : current.pullStoppedAt())
                    .withStopReason(TASK_FAILED_TO_START, reason)
                    .withContainer(spec.name(), container -> container.stopped(null, reason)));
            return Optional.empty();
        }
    }

    /**
     * Starts containers as their dependencies allow, records exits, and stops the task when asked or when an
     * essential container exits (dependents first, each with its own stop timeout). Returns when no
     * container runs and none will start.
     */
    private void superviseUntilAllExited()
            throws InterruptedException
    {
        Map<String, Instant> killDeadlines = new HashMap<>();
        Set<String> killed = new HashSet<>();
        while (true) {
            for (ContainerRecord container : record.get().containers()) {
                if (container.status() != Status.RUNNING) {
                    continue;
                }
                Optional<ContainerStatus> status = host.runtime().status(container.containerId());
                if (status.isEmpty() || status.get() instanceof ContainerStatus.Exited || status.get() instanceof ContainerStatus.Created) {
                    recordExit(container, status);
                }
            }
            if (!stopRequested) {
                followHealth();
                startReadyContainers();
                // not held until RUNNING: a container that waits for another's health or exit may keep the task
                // PENDING for minutes, and the host's other tasks would wait for it
                endStartTurn();
                stopIfEssentialContainerUnhealthy();
            }
            if (stopRequested) {
                endStartTurn();
                beginTransition();
                stopInDependencyOrder(killDeadlines, killed);
            }
            boolean anyActive = record.get().containers().stream().anyMatch(container -> container.status() != Status.STOPPED);
            if (!anyActive) {
                return;
            }
            synchronized (wakeUp) {
                // a wake that came while the containers were looked at is not lost: the next look is at once
                if (!woken) {
                    wakeUp.wait(nextLookIn().toMillis());
                }
                woken = false;
            }
        }
    }

    /** When the supervising loop looks again unless woken: soon while stopping or while anything but an exit may change. */
    private Duration nextLookIn()
    {
        if (stopRequested) {
            return stoppingWatchInterval;
        }
        TaskRecord current = record.get();
        boolean quiet = current.containers().stream().noneMatch(container -> container.status() == Status.PENDING)
                && current.containers().stream().noneMatch(container -> container.status() == Status.RUNNING && spec(container.name()).healthCheck() != null);
        return quiet ? quietWatchInterval : watchInterval;
    }

    private void startReadyContainers()
    {
        while (!stopRequested) {
            TaskRecord current = record.get();
            ContainerDependencies.StartDecision decision = ContainerDependencies.decide(current.assignment().containers(), current.containers());
            for (ContainerDependencies.Blocked blocked : decision.blocked()) {
                log.info("task {}: {}", taskId(), blocked.reason());
                update(changed -> changed.withStopReason(TASK_FAILED_TO_START, blocked.reason())
                        .withContainer(blocked.container(), container -> container.stopped(null, blocked.reason())));
                stopRequested = true;
            }
            if (stopRequested || decision.ready().isEmpty()) {
                break;
            }
            for (String name : decision.ready()) {
                ContainerSpec spec = spec(name);
                Optional<PulledImage> image = image(spec);
                if (image.isEmpty()) {
                    stopRequested = true;
                    return;
                }
                try {
                    startContainer(spec, image.get());
                    boolean wasPending = record.get().status() == Status.PENDING;
                    // the last container to start makes the task RUNNING in the same change: one report and one sync,
                    // where two changes in a row make the second wait for the first one's sync
                    update(changed -> runningOnceAllStarted(changed.withContainer(name, ContainerRecord::running)));
                    if (wasPending && record.get().status() == Status.RUNNING) {
                        announceRunning();
                    }
                }
                catch (ContainerStartException | IOException e) {
                    String reason = "CannotStartContainerError: " + e.getMessage();
                    log.info("task {}: container {} did not start: {}", taskId(), name, e.getMessage());
                    update(changed -> changed.withStopReason(TASK_FAILED_TO_START, reason)
                            .withContainer(name, container -> container.stopped(null, reason)));
                    stopRequested = true;
                    return;
                }
            }
        }
        if (record.get().status() == Status.PENDING && runningOnceAllStarted(record.get()).status() == Status.RUNNING) {
            update(this::runningOnceAllStarted);
            announceRunning();
        }
    }

    /** The task as RUNNING once none of its containers is still to start (and no stop was asked), else as it is. */
    private TaskRecord runningOnceAllStarted(TaskRecord task)
    {
        boolean allStarted = task.containers().stream().noneMatch(container -> container.status() == Status.PENDING);
        return !stopRequested && task.status() == Status.PENDING && allStarted ? task.withRunning(now()) : task;
    }

    private void announceRunning()
    {
        endTransition();
        log.info("task {}: running", taskId());
        prepareAheadForTheNextTask();
    }

    /**
     * Has the host's health monitor check every running container that has a health check, and records each status
     * that changed (the next report carries it to the control plane).
     */
    private void followHealth()
    {
        for (ContainerRecord container : record.get().containers()) {
            ContainerSpec spec = spec(container.name());
            if (container.status() != Status.RUNNING || spec.healthCheck() == null) {
                continue;
            }
            if (!host.healthChecks().watches(container.containerId())) {
                host.healthChecks().watch(container.containerId(), spec.healthCheck(), container.healthStatus());
            }
            HealthStatus status = host.healthChecks().status(container.containerId());
            if (status != container.health()) {
                log.info("task {}: container {} is {}", taskId(), container.name(), status);
                update(current -> current.withContainer(container.name(), changed -> changed.withHealthStatus(status)));
            }
        }
    }

    /** An essential container that turned UNHEALTHY stops the task, each container with its stop timeout, as StopTask does. */
    private void stopIfEssentialContainerUnhealthy()
    {
        for (ContainerRecord container : record.get().containers()) {
            if (!stopRequested && container.status() == Status.RUNNING && container.health() == HealthStatus.UNHEALTHY && spec(container.name()).essential()) {
                log.info("task {}: essential container {} failed its health checks, stopping the task", taskId(), container.name());
                update(current -> current.withStopReason(SERVICE_SCHEDULER_INITIATED, HEALTH_CHECKS_FAILED));
                stopRequested = true;
            }
        }
    }

    /** SIGTERM to each running container once its dependents have exited; SIGKILL when its stop timeout passes. */
    private void stopInDependencyOrder(Map<String, Instant> killDeadlines, Set<String> killed)
    {
        TaskRecord current = record.get();
        if (current.status() == Status.RUNNING || current.status() == Status.PENDING || current.containers().stream().anyMatch(container -> container.status() == Status.PENDING)) {
            update(unchanged -> {
                TaskRecord changed = unchanged.status() == Status.STOPPED ? unchanged : unchanged.withStatus(Status.STOPPING);
                for (ContainerRecord container : unchanged.containers()) {
                    if (container.status() == Status.PENDING) {
                        // never started: the task stops before its turn came
                        changed = changed.withContainer(container.name(), c -> c.stopped(null, null));
                    }
                }
                return changed;
            });
            current = record.get();
        }
        for (String name : ContainerDependencies.stoppable(current.assignment().containers(), current.containers())) {
            if (!killDeadlines.containsKey(name)) {
                host.runtime().signal(containerRecord(name).containerId(), SIGTERM);
                killDeadlines.put(name, now().plus(stopTimeout(spec(name))));
            }
        }
        for (Map.Entry<String, Instant> deadline : killDeadlines.entrySet()) {
            String name = deadline.getKey();
            if (!killed.contains(name) && now().isAfter(deadline.getValue()) && containerRecord(name).status() == Status.RUNNING) {
                log.info("task {}: stop timeout of container {} passed, killing it", taskId(), name);
                host.runtime().signal(containerRecord(name).containerId(), SIGKILL);
                killed.add(name);
            }
        }
    }

    private void startContainer(ContainerSpec spec, PulledImage image)
            throws ContainerStartException, IOException
    {
        String containerId = containerRecord(spec.name()).containerId();
        Optional<ContainerStatus> existing = host.runtime().status(containerId);
        if (existing.isPresent() && !(existing.get() instanceof ContainerStatus.Created)) {
            // started before an agent restart: adopt it
            return;
        }
        if (existing.isPresent()) {
            // created but never started: the start was cut short, so begin again
            host.runtime().delete(containerId);
        }
        IdMapping idMapping = record.get().idMapping();
        // mounted ahead beside the network, or made now (a failure ahead is retried here, where it stops the task)
        Path made = rootFilesystems.remove(containerId);
        Path rootfs = made != null ? made : host.snapshotter().prepare(containerId, image.layers(), idMapping);
        Path logFile = host.logFile(taskId(), spec.name());
        Files.createDirectories(logFile.getParent());
        TaskSecrets held = heldSecrets().orElseThrow(() -> new ContainerStartException(
                "ResourceInitializationError: the values of the task's secrets are not on this host (the agent restarted before the container started); stop the task and run it again"));
        ProcessLaunchPlan plan = ProcessLaunchPlan.of(image.config(), spec, host.containerEnvironment().forContainer(record.get(), spec.name()),
                held.environmentOf(spec.name()));
        if (plan.args().isEmpty()) {
            throw new ContainerStartException("no command: the image " + spec.image() + " has no Entrypoint or Cmd and the task definition sets no command");
        }
        var assignment = record.get().assignment();
        List<VolumeBind> volumes = TaskVolumes.binds(host.storage(), taskId(), spec, idMapping);
        NetworkAttachment network = record.get().network();
        host.runtime().start(new ContainerLaunch(
                containerId,
                rootfs,
                plan.args(),
                plan.env(),
                plan.workingDir(),
                plan.user(),
                hostname(),
                ResourceLimits.fromTaskSize(assignment.cpu(), assignment.memoryMiB()).forContainer(spec.memoryMiB(), spec.linux().memoryReservationMiB()),
                logFile,
                network == null ? null : Path.of(network.networkNamespacePath()),
                ContainerHardenings.of(spec.linux()),
                idMapping,
                assignment.isolation(),
                volumes));
        log.info("task {}: container {} started at isolation {}", taskId(), spec.name(), assignment.isolation().wireName());
    }

    private String hostname()
    {
        String id = taskId();
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private void recordExit(ContainerRecord container, Optional<ContainerStatus> status)
    {
        Integer exitCode = null;
        String reason = null;
        if (status.isPresent() && status.get() instanceof ContainerStatus.Exited exited) {
            exitCode = exited.exitCode();
            reason = exited.oomKilled() ? OOM_REASON : null;
        }
        else if (container.status() == Status.RUNNING) {
            reason = "the container's state vanished from the host";
        }
        Integer code = exitCode;
        String why = reason;
        log.info("task {}: container {} exited with {}{}", taskId(), container.name(), code, why == null ? "" : " (" + why + ")");
        host.healthChecks().unwatch(container.containerId());
        update(current -> current.withContainer(container.name(), c -> c.stopped(code, why)));
        if (spec(container.name()).essential() && !stopRequested) {
            update(current -> current.withStopReason(ESSENTIAL_CONTAINER_EXITED, "Essential container in task exited"));
            stopRequested = true;
        }
    }

    private static Duration stopTimeout(ContainerSpec spec)
    {
        return spec.stopTimeoutSeconds() == null ? DEFAULT_STOP_TIMEOUT : Duration.ofSeconds(spec.stopTimeoutSeconds());
    }

    /** Kills what still runs; a kill that fails (a hung runtime) is logged, and the cleanup's delete kills it again. */
    private void stopAllContainers()
    {
        for (ContainerRecord container : record.get().containers()) {
            if (container.status() != Status.STOPPED) {
                try {
                    host.runtime().signal(container.containerId(), SIGKILL);
                }
                catch (RuntimeException e) {
                    log.warn("task {}: cannot kill container {}: {}", taskId(), container.name(), e.getMessage());
                }
                update(current -> current.withContainer(container.name(), c -> c.stopped(null, "stopped after an agent error")));
            }
        }
    }

    private void finishWithoutStarting(String reason)
    {
        update(current -> {
            TaskRecord changed = current;
            for (ContainerRecord container : current.containers()) {
                if (container.status() != Status.STOPPED) {
                    changed = changed.withContainer(container.name(), c -> c.stopped(null, reason));
                }
            }
            return changed;
        });
        cleanUp();
    }

    /**
     * Removes every container and rootfs of the task and then its storage, its network beside them, and only then records it STOPPED.
     * Every step is tried even when an earlier one failed; what failed is retried with backoff (from 1 s, at
     * most every 30 s) until it is gone, and the task stays STOPPING meanwhile, logged with what could not be
     * removed. Idempotent, so a crash in the middle is repaired by the next run; an agent shutting down leaves
     * the rest to the next agent.
     */
    private void cleanUp()
    {
        record.get().containers().forEach(container -> host.healthChecks().unwatch(container.containerId()));
        Duration wait = cleanupRetry.first();
        while (true) {
            List<String> failures = cleanUpOnce();
            if (failures.isEmpty()) {
                update(current -> current.withStopped(now()));
                // nothing of the task is left: no process runs as its ids and its files are deleted
                if (host.idRanges() != null) {
                    host.idRanges().release(taskId());
                }
                log.info("task {}: stopped ({})", taskId(), record.get().stopCode());
                return;
            }
            log.warn("task {}: could not remove {}; retrying in {} ms", taskId(), String.join("; ", failures), wait.toMillis());
            try {
                Thread.sleep(wait);
            }
            catch (InterruptedException e) {
                // the agent is shutting down: its next start finishes the cleanup from the task's record
                Thread.currentThread().interrupt();
                return;
            }
            if (detached) {
                return;
            }
            wait = cleanupRetry.after(wait);
        }
    }

    /** One pass over every step of the cleanup; what could not be removed, each with why. */
    private List<String> cleanUpOnce()
    {
        return TaskCleanup.once(host, record.get());
    }

    private void update(java.util.function.UnaryOperator<TaskRecord> change)
    {
        if (detached) {
            throw new DetachedException();
        }
        TaskRecord before = record.getAndUpdate(change);
        TaskRecord updated = record.get();
        host.records().save(updated);
        if (updated.changesStatusOf(before)) {
            onChange.changed(updated.status() != before.status() && (updated.status() == Status.RUNNING || updated.status() == Status.STOPPED));
        }
    }

    /** Ends the lifecycle of a runner whose agent has let go of the task. */
    private static final class DetachedException
            extends RuntimeException
    {
        DetachedException()
        {
            super("the agent let go of this task", null, false, false);
        }
    }

    private ContainerSpec spec(String name)
    {
        return record.get().assignment().containers().stream()
                .filter(spec -> spec.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private ContainerRecord containerRecord(String name)
    {
        return record.get().containers().stream()
                .filter(container -> container.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private Instant now()
    {
        return host.clock().instant();
    }
}
