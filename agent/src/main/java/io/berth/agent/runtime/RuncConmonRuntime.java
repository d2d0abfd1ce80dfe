package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.process.ProcessOutput;
import io.berth.agent.process.ProcessStarts;
import io.berth.agent.rootfs.MountTable;
import io.berth.agent.userns.LinuxSyscalls;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.files.FileTrees;
import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Runs each container with an OCI runtime (runc, or runsc for the sandbox tier: see {@link OciRuntime}) under its
 * own conmon. conmon is a session of its own that holds the
 * container's stdio, writes the log and records the exit code, so containers outlive the agent; a new
 * instance over the same state directory finds them all again from runc's state, the exit files and the
 * cgroups.
 */
public final class RuncConmonRuntime
        implements ContainerRuntime
{
    /** The exit code reported when a container ended without its monitor recording one (the monitor was killed). */
    public static final int UNKNOWN_EXIT_CODE = -1;

    public static final Path DEFAULT_RUNC = OciRuntime.DEFAULT_RUNC;
    public static final Path DEFAULT_CONMON = Path.of("/usr/bin/conmon");

    private static final Logger log = LoggerFactory.getLogger(RuncConmonRuntime.class);
    private static final Duration EXIT_FILE_GRACE = Duration.ofSeconds(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration CREATE_POLL_INTERVAL = Duration.ofMillis(2);
    private static final Duration CREATE_FAILURE_LOOK_INTERVAL = Duration.ofMillis(20);
    /** How long a look waits for conmon to record the exit of a started process that is gone. */
    private static final Duration EXIT_RECORD_WAIT = Duration.ofMillis(500);
    private static final int SIGKILL = 9;
    private static final int SIGSTOP = 19;
    /**
     * How long after its start a container's init may take to set what it does with a signal before one sent to it is
     * sent anyway (tini does in a few milliseconds, a loaded machine can take hundreds).
     */
    private static final Duration INIT_SETTLING = Duration.ofSeconds(2);
    private static final Duration INIT_SETTLING_LOOK_INTERVAL = Duration.ofMillis(5);
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final Path NSENTER = Path.of("/usr/bin/nsenter");

    private final StateLayout layout;
    private final RuncClient runc;
    private final OciRuntime runtime;
    private final Path conmonBinary;
    private final CgroupLayout cgroups;
    private final String cgroupParent;
    private final OciSpecBuilder specBuilder;
    private final Clock clock;
    private final NetworkSysfs networkSysfs = new NetworkSysfs(new MountTable());

    /**
     * @param stateDirectory this runtime's own directory (bundles, exit files, runc root, sockets); give each
     * agent on a host its own
     * @param cgroupParent the cgroup under which containers get theirs, e.g. "berth"; give each agent its own
     */
    public RuncConmonRuntime(Path stateDirectory, Path runcBinary, Path conmonBinary, String cgroupParent, Clock clock)
    {
        this(stateDirectory, runcBinary, conmonBinary, cgroupParent, CgroupLayout.host(), clock);
    }

    public RuncConmonRuntime(Path stateDirectory, Path runcBinary, Path conmonBinary, String cgroupParent, CgroupLayout cgroups, Clock clock)
    {
        this(stateDirectory, OciRuntime.runc(runcBinary), conmonBinary, cgroupParent, cgroups, clock);
    }

    /** @param runtime the OCI runtime and its options; give each runtime its own stateDirectory */
    public RuncConmonRuntime(Path stateDirectory, OciRuntime runtime, Path conmonBinary, String cgroupParent, CgroupLayout cgroups, Clock clock)
    {
        this.layout = new StateLayout(stateDirectory);
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.conmonBinary = requireNonNull(conmonBinary, "conmonBinary is null");
        this.runc = new RuncClient(runtime, layout.runcRoot());
        this.cgroups = requireNonNull(cgroups, "cgroups is null");
        this.specBuilder = new OciSpecBuilder(cgroupParent, cgroups);
        this.cgroupParent = requireNonNull(cgroupParent, "cgroupParent is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The container's cgroup path, the same under every hierarchy (see {@link CgroupLayout}). */
    public String cgroupsPath(String containerId)
    {
        return specBuilder.cgroupsPath(StateLayout.checkContainerId(containerId));
    }

    @Override
    public void start(ContainerLaunch launch)
            throws ContainerStartException
    {
        String containerId = StateLayout.checkContainerId(launch.containerId());
        Path bundle = layout.bundle(containerId);
        if (Files.exists(bundle) || Files.exists(layout.exitFile(containerId)) || layout.runtimeStateExists(containerId)) {
            throw new ContainerStartException("container " + containerId + " already exists");
        }
        try {
            writeBundle(launch, bundle);
            Files.createDirectories(layout.exits());
            Files.createDirectories(layout.runcRoot());
            Files.createDirectories(layout.sockets());
            Path logDirectory = launch.logFile().toAbsolutePath().getParent();
            if (logDirectory != null) {
                Files.createDirectories(logDirectory);
            }
            launchMonitor(containerId, bundle, launch.logFile());
            awaitCreated(containerId);
            startCreated(containerId);
        }
        catch (UncheckedIOException e) {
            // a runtime command that hung past its deadline or could not run: the task's reason names it
            removeQuietly(containerId);
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new ContainerStartException(runtime.name() + " could not start container " + containerId + ": " + why, e);
        }
        catch (ContainerStartException | RuntimeException e) {
            removeQuietly(containerId);
            throw e;
        }
        catch (IOException e) {
            removeQuietly(containerId);
            throw new ContainerStartException("cannot prepare container " + containerId + ": " + e.getMessage(), e);
        }
        log.info("Started container {} with {}", containerId, runtime.name());
    }

    /** The runtime this instance runs containers with. */
    public OciRuntime runtime()
    {
        return runtime;
    }

    /** Whether anything of the container is in this runtime's state directory: its bundle, exit file or runtime state. */
    public boolean holds(String containerId)
    {
        StateLayout.checkContainerId(containerId);
        return Files.exists(layout.bundle(containerId)) || Files.exists(layout.exitFile(containerId)) || layout.runtimeStateExists(containerId);
    }

    @Override
    public Optional<ContainerStatus> status(String containerId)
    {
        StateLayout.checkContainerId(containerId);
        // every runc call spawns a process (5-8 ms of CPU here), and every running task is watched several
        // times a second: while the started process visibly lives and no exit is recorded, skip runc
        if (Files.exists(layout.startedMarker(containerId)) && !Files.exists(layout.exitFile(containerId))) {
            OptionalInt pid = ContainerProcess.livePid(layout.containerPidFile(containerId), containerId);
            if (pid.isPresent()) {
                return Optional.of(new ContainerStatus.Running(pid.getAsInt()));
            }
            // the started process is gone and conmon, still alive, records its exit next (it writes the exit file once
            // it has reaped it): a busy machine stretches that moment, and a look then waits for the file, not for runc
            if (MonitorProcess.isAlive(layout.conmonPidFile(containerId), containerId) && awaitExitFile(containerId)) {
                return Optional.of(exited(containerId));
            }
        }
        if (!Files.exists(layout.bundle(containerId)) && !Files.exists(layout.exitFile(containerId)) && !layout.runtimeStateExists(containerId)) {
            // runc keeps its state in its root, so nothing there means nothing to ask runc about
            return Optional.empty();
        }
        if (Files.exists(layout.exitFile(containerId))) {
            // conmon writes the exit file once the container's first process has exited, and runc would only say
            // "stopped": a task's stop waits on this look, so it spawns no runc
            return Optional.of(exited(containerId));
        }
        Optional<RuncState> state = runc.state(containerId);
        if (state.isPresent()) {
            return Optional.of(switch (state.get().status()) {
                case "creating", "created" -> new ContainerStatus.Created();
                case "running", "paused" -> new ContainerStatus.Running(state.get().pid());
                default -> exited(containerId);
            });
        }
        if (Files.exists(layout.exitFile(containerId))) {
            return Optional.of(exited(containerId));
        }
        if (Files.exists(layout.bundle(containerId))) {
            // a bundle without runc state: conmon is still creating it, or a crash cut the start short
            if (MonitorProcess.isAlive(layout.conmonPidFile(containerId), containerId)) {
                return Optional.of(new ContainerStatus.Created());
            }
            return Optional.of(exited(containerId));
        }
        return Optional.empty();
    }

    @Override
    public Optional<ExitWatch> watchExits(Consumer<String> exited)
    {
        try {
            Files.createDirectories(layout.exits());
            return Optional.of(ExitFileWatch.start(layout.exits(), exited));
        }
        catch (IOException e) {
            log.warn("cannot watch the exit directory {}: {}; container exits are seen by polling", layout.exits(), e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public Optional<ContainerUsage> usage(String containerId)
    {
        return cgroups.usage(cgroupsPath(containerId));
    }

    @Override
    public void signal(String containerId, int signal)
    {
        StateLayout.checkContainerId(containerId);
        if (runtime.tier() == IsolationTier.CONTAINER && Files.exists(layout.startedMarker(containerId))) {
            // what runc kill does for one container: kill(2) on its init, here without a runc process (a stop's first
            // step); the pid counts only while it lives in the container's cgroup, so a reused pid is never signalled
            OptionalInt pid = ContainerProcess.livePid(layout.containerPidFile(containerId), containerId);
            if (pid.isPresent()) {
                awaitInitSettled(containerId, pid.getAsInt(), signal);
                try {
                    LinuxSyscalls.kill(pid.getAsInt(), signal);
                    log.info("Sent signal {} to container {}", signal, containerId);
                    return;
                }
                catch (IOException e) {
                    // gone in between: runc says whether the container is stopped
                    log.debug("kill of container {} init {} failed: {}", containerId, pid.getAsInt(), e.getMessage());
                }
            }
        }
        ProcessOutput output = runc.kill(containerId, signal);
        if (output.succeeded()) {
            log.info("Sent signal {} to container {}", signal, containerId);
            return;
        }
        Optional<RuncState> state = runc.state(containerId);
        if (state.isPresent() && !state.get().status().equals("stopped")) {
            throw new IllegalStateException("cannot signal container " + containerId + ": " + RuncMessages.fromStderr(output.stderr()));
        }
    }

    /**
     * Holds a catchable signal back while the container's init, started less than {@link #INIT_SETTLING} ago, has not yet
     * caught, blocked or ignored it (the kernel would drop it: see {@link InitSignalDisposition}); an init that never
     * does costs nothing more, as the signal would have been lost all the same.
     */
    private void awaitInitSettled(String containerId, int pid, int signal)
    {
        if (signal == SIGKILL || signal == SIGSTOP) {
            return;
        }
        Duration left;
        try {
            left = INIT_SETTLING.minus(Duration.between(Files.getLastModifiedTime(layout.startedMarker(containerId)).toInstant(), Instant.now()));
        }
        catch (IOException e) {
            return;
        }
        if (left.isNegative() || left.isZero()) {
            return;
        }
        if (left.compareTo(INIT_SETTLING) > 0) {
            // a marker from the future (the clock moved back): bound the wait all the same
            left = INIT_SETTLING;
        }
        long deadline = System.nanoTime() + left.toNanos();
        // settled at two looks in a row: a mask held for a moment (around a fork) is not the init's choice
        int settledLooks = 0;
        while (true) {
            settledLooks = InitSignalDisposition.settled(pid, signal) ? settledLooks + 1 : 0;
            if (settledLooks == 2) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                if (settledLooks == 0) {
                    log.info("container {}: its init had not caught, blocked or ignored signal {} within {} ms of its start; sending it anyway",
                            containerId, signal, INIT_SETTLING.toMillis());
                }
                return;
            }
            try {
                Thread.sleep(INIT_SETTLING_LOOK_INTERVAL);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void delete(String containerId)
    {
        StateLayout.checkContainerId(containerId);
        // an exit recorded by conmon means the container's first process has exited: nothing to kill, and no runc
        // state to ask on a stop's path (the forced delete below removes whatever of the container is left)
        Optional<RuncState> state = Files.exists(layout.exitFile(containerId)) ? Optional.empty() : runc.state(containerId);
        if (state.isPresent() && !state.get().status().equals("stopped")) {
            try {
                runc.kill(containerId, SIGKILL);
                awaitStopped(containerId);
            }
            catch (UncheckedIOException e) {
                // a kill that hangs or fails: the forced delete below kills the container by itself
                log.warn("kill of container {} failed, deleting it by force: {}", containerId, e.getMessage());
            }
        }
        // let conmon record the exit and leave by itself before its container's state goes away
        awaitMonitorExit(containerId, EXIT_FILE_GRACE);
        if (!exitedWithoutProcessesLeft(containerId)) {
            ProcessOutput deleted = runc.forceDelete(containerId);
            if (!deleted.succeeded() && !deleted.stderr().contains("does not exist")) {
                log.warn("runc delete of container {} failed: {}", containerId, RuncMessages.fromStderr(deleted.stderr()));
            }
        }
        MonitorProcess.kill(layout.conmonPidFile(containerId), containerId);
        awaitMonitorExit(containerId, EXIT_FILE_GRACE);
        try {
            removeCgroup(containerId);
            // a sysfs mounted in the bundle must go first: deleting through it would reach into sysfs
            networkSysfs.unmount(layout.bundle(containerId).resolve("sys"));
            FileTrees.deleteRecursively(layout.bundle(containerId));
            Files.deleteIfExists(layout.exitFile(containerId));
            Files.deleteIfExists(layout.sockets().resolve(containerId));
            FileTrees.deleteRecursively(layout.runcRoot().resolve(containerId));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot delete container " + containerId + ": " + e.getMessage(), e);
        }
        log.info("Deleted container {}", containerId);
    }

    /**
     * Whether runc's delete has nothing to do that the rest of {@link #delete} does not: for runc, once conmon recorded
     * the exit of a container's init (and with it every process of its PID namespace ended), a delete only removes the
     * cgroups and the state directory, which delete removes itself, so a stop spares a runc process. runsc keeps
     * a sandbox to tear down, so it is always asked.
     */
    private boolean exitedWithoutProcessesLeft(String containerId)
    {
        return runtime.tier() == IsolationTier.CONTAINER
                && Files.exists(layout.exitFile(containerId))
                && ContainerProcess.livePid(layout.containerPidFile(containerId), containerId).isEmpty();
    }

    /**
     * Runs the container's own process description (user, environment, working directory, capabilities, limits) with
     * other arguments through the runtime's exec, so the process joins the container as its first process did: its
     * namespaces (the user namespace too), cgroup and, under runsc, its sandbox.
     */
    @Override
    public ExecResult exec(String containerId, List<String> arguments, Duration timeout)
    {
        StateLayout.checkContainerId(containerId);
        String name = "exec-" + UUID.randomUUID();
        Path processFile = layout.bundle(containerId).resolve(name + ".json");
        Path pidFile = layout.bundle(containerId).resolve(name + ".pid");
        Path stateCopy = layout.bundle(containerId).resolve(name);
        Optional<ExecNamespaces.Plan> namespaces;
        try {
            namespaces = ExecNamespaces.plan(layout.runcRoot(), containerId, stateCopy, NSENTER);
            ObjectNode process = (ObjectNode) Json.mapper().readTree(Files.readString(layout.bundle(containerId).resolve("config.json"))).path("process");
            process.put("terminal", false);
            process.set("args", Json.mapper().valueToTree(arguments));
            writeAtomically(processFile, Json.mapper().writeValueAsString(process));
        }
        catch (IOException | ClassCastException e) {
            return new ExecResult(UNKNOWN_EXIT_CODE, "cannot read the process of container " + containerId + ": " + e.getMessage(), false);
        }
        long started = System.nanoTime();
        try {
            ProcessOutput output = runc.exec(containerId, processFile, pidFile, timeout, namespaces);
            return new ExecResult(output.exitCode(), output.stdout() + output.stderr(), false);
        }
        catch (UncheckedIOException e) {
            if (System.nanoTime() - started < timeout.toNanos()) {
                return new ExecResult(UNKNOWN_EXIT_CODE, e.getMessage(), false);
            }
            // the runtime's exec is gone; the process it started would run on in the container
            readPid(pidFile).ifPresent(pid -> {
                if (!runc.killExec(containerId, pid)) {
                    log.warn("Could not kill process {} run in container {} past its deadline", pid, containerId);
                }
            });
            return new ExecResult(UNKNOWN_EXIT_CODE, "did not finish within " + timeout.toSeconds() + " s", true);
        }
        finally {
            try {
                Files.deleteIfExists(processFile);
                Files.deleteIfExists(pidFile);
                FileTrees.deleteRecursively(stateCopy);
            }
            catch (IOException e) {
                log.warn("Cannot remove the exec files of container {}: {}", containerId, e.getMessage());
            }
        }
    }

    private static Optional<Long> readPid(Path pidFile)
    {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).strip()));
        }
        catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> containerIds()
    {
        TreeSet<String> ids = new TreeSet<>();
        for (Path directory : List.of(layout.bundles(), layout.exits(), layout.runcRoot())) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(directory)) {
                entries.map(entry -> entry.getFileName().toString())
                        .filter(name -> StateLayout.CONTAINER_ID.matcher(name).matches())
                        .forEach(ids::add);
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot list " + directory, e);
            }
        }
        return List.copyOf(ids);
    }

    private void writeBundle(ContainerLaunch launch, Path bundle)
            throws IOException, ContainerStartException
    {
        Files.createDirectories(bundle);
        Path hosts = bundle.resolve("hosts");
        Path hostname = bundle.resolve("hostname");
        String name = OciSpecBuilder.hostname(launch);
        writeAtomically(hosts, """
                127.0.0.1\tlocalhost %s
                ::1\tlocalhost ip6-localhost ip6-loopback
                """.formatted(name));
        writeAtomically(hostname, name + "\n");
        Path resolvConf = null;
        Optional<String> nameservers = launch.networkNamespacePath() == null ? Optional.empty() : HostResolvConf.usableInContainers(HOST_RESOLV_CONF);
        if (nameservers.isPresent()) {
            resolvConf = bundle.resolve("resolv.conf");
            writeAtomically(resolvConf, nameservers.get());
        }
        Path sysfs = null;
        if (launch.idMapping() != null && launch.networkNamespacePath() != null) {
            sysfs = bundle.resolve("sys");
            networkSysfs.mount(launch.networkNamespacePath(), sysfs);
        }
        ObjectNode spec = specBuilder.build(launch, hosts, hostname, resolvConf, sysfs);
        writeAtomically(bundle.resolve("config.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(spec));
    }

    private void launchMonitor(String containerId, Path bundle, Path logFile)
            throws IOException, ContainerStartException
    {
        List<String> command = new ArrayList<>(List.of(
                conmonBinary.toString(),
                "--api-version", "1",
                "--cid", containerId,
                "--cuuid", containerId,
                "--name", containerId,
                "--runtime", runtime.binary().toString(),
                "--bundle", bundle.toString(),
                "--container-pidfile", layout.containerPidFile(containerId).toString(),
                "--conmon-pidfile", layout.conmonPidFile(containerId).toString(),
                "--log-path", "k8s-file:" + logFile.toAbsolutePath(),
                "--exit-dir", layout.exits().toString(),
                "--socket-dir-path", layout.sockets().toString(),
                "--log-level", "info",
                // conmon writes an "oom" marker into its persist directory, by default its working directory
                "--persist-dir", bundle.toString()));
        // the runtime's global options, for the create that conmon runs: its flavour's, our private state root,
        // and errors as JSON in a file we can read back
        List<String> runtimeArguments = new ArrayList<>(runtime.globalArguments());
        runtimeArguments.addAll(List.of("--root", layout.runcRoot().toString(), "--log", layout.runcLog(containerId).toString(), "--log-format", "json"));
        for (String argument : runtimeArguments) {
            command.add("--runtime-arg");
            command.add(argument);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(bundle.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.conmonLog(containerId).toFile()))
                .redirectErrorStream(true);
        // these would make conmon talk to a parent that is not there
        builder.environment().keySet().removeIf(name -> name.startsWith("_OCI_"));
        // conmon forks, makes the child a session leader (so it survives us) and the parent exits at once
        Process launcher = ProcessStarts.start(builder);
        try {
            if (!launcher.waitFor(createDeadline().toMillis(), TimeUnit.MILLISECONDS)) {
                launcher.destroyForcibly();
                throw new ContainerStartException("the container monitor (conmon) did not start within " + createDeadline().toSeconds() + " s");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerStartException("interrupted while starting container " + containerId, e);
        }
        if (launcher.exitValue() != 0) {
            throw new ContainerStartException("the container monitor (conmon) failed: " + readQuietly(layout.conmonLog(containerId)).strip());
        }
    }

    private void awaitCreated(String containerId)
            throws ContainerStartException
    {
        long deadline = System.nanoTime() + createDeadline().toNanos();
        long nextFailureLook = System.nanoTime();
        while (true) {
            // `runc create` writes the container's pid file (conmon's --container-pidfile) once the container is
            // created: watching for it costs a stat, where asking `runc state` costs a process
            if (Files.exists(layout.containerPidFile(containerId))) {
                return;
            }
            // the looks for a failure (runc's log parsed, conmon's pid file and /proc read) come less often than the
            // stat: in a burst, dozens of creates wait at once for seconds, and every look takes CPU from runc
            if (System.nanoTime() - nextFailureLook < 0) {
                sleep(CREATE_POLL_INTERVAL);
                continue;
            }
            nextFailureLook = System.nanoTime() + CREATE_FAILURE_LOOK_INTERVAL.toNanos();
            Optional<String> runcError = RuncMessages.fromJsonLog(readQuietly(layout.runcLog(containerId)));
            if (runcError.isPresent()) {
                throw new ContainerStartException(runcError.get());
            }
            boolean monitorGone = Files.exists(layout.conmonPidFile(containerId))
                    && !MonitorProcess.isAlive(layout.conmonPidFile(containerId), containerId);
            if (monitorGone && !Files.exists(layout.containerPidFile(containerId))) {
                String reason = awaitRuncError(containerId)
                        .orElse("the container monitor (conmon) exited before the container was created: " + readQuietly(layout.conmonLog(containerId)).strip());
                throw new ContainerStartException(reason);
            }
            if (System.nanoTime() > deadline) {
                throw new ContainerStartException(runtime.name() + " did not create the container within " + createDeadline().toSeconds() + " s");
            }
            sleep(CREATE_POLL_INTERVAL);
        }
    }

    /**
     * How long conmon's create may take: it does most of a start's work (namespaces, cgroups, mounts), so twice what
     * one runtime command may (60 s by default).
     */
    private Duration createDeadline()
    {
        return runtime.commandDeadline().multipliedBy(2);
    }

    private Optional<String> awaitRuncError(String containerId)
    {
        long deadline = System.nanoTime() + EXIT_FILE_GRACE.toNanos();
        while (true) {
            Optional<String> runcError = RuncMessages.fromJsonLog(readQuietly(layout.runcLog(containerId)));
            if (runcError.isPresent() || System.nanoTime() > deadline || !MonitorProcess.isAlive(layout.conmonPidFile(containerId), containerId)) {
                return runcError.or(() -> RuncMessages.fromJsonLog(readQuietly(layout.runcLog(containerId))));
            }
            sleep(POLL_INTERVAL);
        }
    }

    private void startCreated(String containerId)
            throws ContainerStartException
    {
        ExecFifoStart fifo = new ExecFifoStart(layout.runcRoot().resolve(containerId),
                () -> ContainerProcess.livePid(layout.containerPidFile(containerId), containerId).isPresent());
        if (fifo.available()) {
            try {
                fifo.start(runtime.commandDeadline());
            }
            catch (ContainerStartException e) {
                // runc's own reason, when it logged one, says more
                throw new ContainerStartException(RuncMessages.fromJsonLog(readQuietly(layout.runcLog(containerId))).orElse(e.getMessage()), e);
            }
        }
        else {
            startWithRuntime(containerId);
        }
        try {
            Files.writeString(layout.startedMarker(containerId), "");
        }
        catch (IOException e) {
            // only an optimisation is lost: status() then asks runc every time
            log.warn("cannot mark container {} as started: {}", containerId, e.getMessage());
        }
    }

    /** `runc start` (runsc's, which keeps no start FIFO). */
    private void startWithRuntime(String containerId)
            throws ContainerStartException
    {
        ProcessOutput output = runc.start(containerId);
        if (!output.succeeded()) {
            // a process that ends at once may be gone before `runc start` reports back: that is a start
            Optional<RuncState> state = runc.state(containerId);
            if (!(state.isPresent() && !state.get().status().equals("created") || Files.exists(layout.exitFile(containerId)))) {
                // when creation failed after all, runc's own reason (in its log) says more than "does not exist"
                throw new ContainerStartException(RuncMessages.fromJsonLog(readQuietly(layout.runcLog(containerId)))
                        .orElse(RuncMessages.fromStderr(output.stderr())));
            }
        }
    }

    private ContainerStatus exited(String containerId)
    {
        Path exitFile = layout.exitFile(containerId);
        long deadline = System.nanoTime() + EXIT_FILE_GRACE.toNanos();
        // runc reports "stopped" as soon as init dies; conmon writes the exit file a moment later
        while (!Files.exists(exitFile) && MonitorProcess.isAlive(layout.conmonPidFile(containerId), containerId) && System.nanoTime() < deadline) {
            sleep(POLL_INTERVAL);
        }
        int exitCode = UNKNOWN_EXIT_CODE;
        Instant finishedAt = clock.instant();
        try {
            exitCode = Integer.parseInt(Files.readString(exitFile).strip());
            finishedAt = Files.getLastModifiedTime(exitFile).toInstant();
        }
        catch (IOException | NumberFormatException e) {
            log.warn("Container {} ended without a recorded exit code", containerId);
        }
        return new ContainerStatus.Exited(exitCode, oomKilled(containerId, exitCode), finishedAt);
    }

    /**
     * Whether the OOM killer killed the container itself (see {@link OomVerdict}), decided once when the exit is
     * first seen and kept in the bundle: the kernel's counter goes away with the cgroup when the container is
     * deleted.
     */
    private boolean oomKilled(String containerId, int exitCode)
    {
        Path verdict = layout.oomVerdict(containerId);
        String recorded = readQuietly(verdict).strip();
        if (!recorded.isEmpty()) {
            return Boolean.parseBoolean(recorded);
        }
        String cgroupsPath = cgroupsPath(containerId);
        boolean killed = OomVerdict.containerKilled(exitCode, cgroups.oomKillCount(cgroupsPath), cgroups.memoryLimitHits(cgroupsPath));
        if (Files.isDirectory(layout.bundle(containerId))) {
            try {
                writeAtomically(verdict, Boolean.toString(killed));
            }
            catch (IOException e) {
                log.warn("Cannot record the OOM verdict of container {}: {}", containerId, e.getMessage());
            }
        }
        if (killed) {
            log.info("Container {} was killed by the OOM killer", containerId);
        }
        return killed;
    }

    /** Whether the container's exit file appears within EXIT_RECORD_WAIT. */
    private boolean awaitExitFile(String containerId)
    {
        long deadline = System.nanoTime() + EXIT_RECORD_WAIT.toNanos();
        while (!Files.exists(layout.exitFile(containerId))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(CREATE_POLL_INTERVAL);
        }
        return true;
    }

    private void awaitStopped(String containerId)
    {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<RuncState> state = runc.state(containerId);
            if (state.isEmpty() || state.get().status().equals("stopped")) {
                return;
            }
            sleep(POLL_INTERVAL);
        }
        log.warn("Container {} did not stop within {} s of SIGKILL", containerId, STOP_TIMEOUT.toSeconds());
    }

    private void awaitMonitorExit(String containerId, Duration timeout)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (MonitorProcess.isAlive(layout.conmonPidFile(containerId), containerId) && System.nanoTime() < deadline) {
            sleep(POLL_INTERVAL);
        }
    }

    private void removeCgroup(String containerId)
            throws IOException
    {
        String cgroupsPath = cgroupsPath(containerId);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (true) {
            try {
                cgroups.remove(cgroupsPath);
                return;
            }
            catch (IOException e) {
                // the last processes of a killed container may take a moment to leave the cgroup
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(POLL_INTERVAL);
            }
        }
    }

    private void removeQuietly(String containerId)
    {
        try {
            delete(containerId);
        }
        catch (RuntimeException e) {
            log.warn("Cleanup after the failed start of container {} failed: {}", containerId, e.getMessage());
        }
    }

    private static void writeAtomically(Path file, String content)
            throws IOException
    {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String readQuietly(Path file)
    {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            return "";
        }
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }


    /**
     * Removes this runtime's parent cgroup once no container of it is left, as a host leaving the fleet
     * (or a test) does. Does nothing while containers remain.
     */
    public void removeCgroupParent()
    {
        if (!containerIds().isEmpty()) {
            return;
        }
        try {
            cgroups.remove("/" + cgroupParent);
        }
        catch (IOException e) {
            log.warn("cannot remove cgroup parent {}: {}", cgroupParent, e.getMessage());
        }
    }
}
