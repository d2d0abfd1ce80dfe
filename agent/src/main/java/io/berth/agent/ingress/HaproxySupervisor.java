package io.berth.agent.ingress;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.agent.process.ProcessStarts;
import io.berth.common.agentprotocol.IngressPlan;
import io.berth.common.agentprotocol.IngressReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Runs HAProxy in master-worker mode for this ingress host and keeps it serving the latest plan: a changed
 * configuration is checked ({@code haproxy -c}) and then loaded hitlessly (SIGUSR2 to the master: a new worker takes
 * the listeners, the old one finishes its in-flight requests, at most for the longest deregistration delay); a master
 * that died is started again; the target health it sees is read from its stats socket, and a target joins the
 * rotation (gets its weight) only once its own checks have passed there, as an ELB target does. Every step has a deadline.
 * An HAProxy left by an earlier agent (its pid file) is stopped first.
 */
public final class HaproxySupervisor
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(HaproxySupervisor.class);
    public static final Path DEFAULT_BINARY = Path.of("/usr/sbin/haproxy");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SUPERVISION_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long an old worker may finish its requests after a reload: ELB's longest deregistration delay. Fixed, so
     * that the configuration does not change as drains count down; an old worker exits as soon as its last request ends.
     */
    private static final Duration OLD_WORKER_LIMIT = Duration.ofSeconds(3600);
    /** Every target in the rotation weighs the same: ELB's round robin. */
    private static final int SERVING_WEIGHT = 1;

    private final Path binary;
    private final Path runDirectory;
    private final Clock clock;
    private final HaproxySocket socket;
    private IngressPlan plan;
    private HaproxyConfig current;
    private Process master;
    private volatile List<IngressReport.TargetHealth> health = List.of();
    /** Targets whose checks passed and that were given their weight: the ones in the rotation. */
    private final Set<HaproxyConfig.Target> admitted = new HashSet<>();
    private Thread supervision;
    private volatile boolean running;
    private int restarts;

    public HaproxySupervisor(Path binary, Path runDirectory, Clock clock)
    {
        this.binary = requireNonNull(binary, "binary is null");
        this.runDirectory = requireNonNull(runDirectory, "runDirectory is null").toAbsolutePath();
        this.clock = requireNonNull(clock, "clock is null");
        this.socket = new HaproxySocket(this.runDirectory.resolve("admin.sock"), SOCKET_TIMEOUT);
    }

    public synchronized void start()
    {
        if (running) {
            return;
        }
        try {
            Files.createDirectories(runDirectory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the load balancer's directory " + runDirectory, e);
        }
        stopLeftover();
        running = true;
        supervision = Thread.ofPlatform().name("ingress-haproxy").daemon().start(this::superviseLoop);
    }

    /** Serves plan from now on: writes and loads the configuration when it changed. */
    public synchronized void apply(IngressPlan value)
    {
        plan = requireNonNull(value, "value is null");
        converge();
    }

    /** The health HAProxy saw of each target at its last read. */
    public List<IngressReport.TargetHealth> health()
    {
        return health;
    }

    /** The master's process id while HAProxy runs. */
    public synchronized Optional<Long> masterPid()
    {
        return master != null && master.isAlive() ? Optional.of(master.pid()) : Optional.empty();
    }

    /** How many times HAProxy was found dead and started again. */
    public synchronized int restarts()
    {
        return restarts;
    }

    private void superviseLoop()
    {
        while (running) {
            try {
                synchronized (this) {
                    if (plan != null) {
                        if (master != null && !master.isAlive()) {
                            restarts++;
                            log.warn("haproxy (pid {}) exited with {}; starting it again", master.pid(), master.exitValue());
                            master = null;
                            current = null;
                        }
                        converge();
                    }
                }
                readHealth();
            }
            catch (RuntimeException e) {
                log.warn("ingress: {}", e.getMessage());
            }
            try {
                Thread.sleep(SUPERVISION_INTERVAL.toMillis());
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Brings HAProxy to the current plan (called with the lock held). */
    private void converge()
    {
        if (!running || plan == null) {
            return;
        }
        Instant now = clock.instant();
        HaproxyConfig wanted = HaproxyConfig.render(plan, now, runDirectory, OLD_WORKER_LIMIT);
        boolean serving = master != null && master.isAlive() && current != null;
        if (serving && current.text().equals(wanted.text())) {
            return;
        }
        Path config = runDirectory.resolve("haproxy.cfg");
        Path candidate = runDirectory.resolve("haproxy.cfg.new");
        try {
            Files.writeString(candidate, wanted.text(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + candidate, e);
        }
        ProcessOutput check = HostProcess.run(List.of(binary.toString(), "-c", "-q", "-f", candidate.toString()), COMMAND_TIMEOUT);
        if (!check.succeeded()) {
            // keep serving the last good configuration; the plan is the control plane's, so say what it refused
            throw new IllegalStateException("haproxy refused the generated configuration, keeping the previous one: " + check.message());
        }
        // the targets whose state the next worker loads: the rest start UP and are held back
        Set<HaproxyConfig.Target> stateSaved = serving && saveServerState() ? targetsOf(current) : Set.of();
        try {
            Files.move(candidate, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + config, e);
        }
        if (master == null || !master.isAlive()) {
            startMaster(config);
        }
        else {
            reload();
        }
        current = wanted;
        // forget targets that left: one registered again is checked again before it gets traffic
        admitted.retainAll(targetsOf(wanted));
        holdBackNewTargets(wanted, stateSaved);
        restoreWeights(wanted);
    }

    private static Set<HaproxyConfig.Target> targetsOf(HaproxyConfig config)
    {
        Set<HaproxyConfig.Target> targets = new HashSet<>();
        config.servers().forEach(server -> targets.add(server.target()));
        return targets;
    }

    private void startMaster(Path config)
    {
        try {
            Files.deleteIfExists(runDirectory.resolve("admin.sock"));
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-W", "-db", "-f", config.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(runDirectory.resolve("haproxy.log").toFile()));
            master = ProcessStarts.start(builder);
            Files.writeString(runDirectory.resolve("haproxy.pid"), Long.toString(master.pid()));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        log.info("haproxy started (master pid {}) with {}", master.pid(), config);
        awaitWorker(null);
    }

    private void reload()
    {
        Optional<String> before = workerPid();
        ProcessOutput signalled = HostProcess.run(List.of("kill", "-USR2", Long.toString(master.pid())), COMMAND_TIMEOUT);
        if (!signalled.succeeded()) {
            throw new IllegalStateException("cannot signal haproxy to reload: " + signalled.message());
        }
        awaitWorker(before.orElse(null));
        log.info("haproxy reloaded (master pid {})", master.pid());
    }

    /** Waits until a worker other than previous answers on the stats socket. */
    private void awaitWorker(String previous)
    {
        Instant deadline = clock.instant().plus(STARTUP_TIMEOUT);
        while (clock.instant().isBefore(deadline)) {
            Optional<String> pid = workerPid();
            if (pid.isPresent() && !pid.get().equals(previous)) {
                return;
            }
            if (!master.isAlive()) {
                throw new IllegalStateException("haproxy exited at start with " + master.exitValue() + "; see " + runDirectory.resolve("haproxy.log"));
            }
            sleep(Duration.ofMillis(50));
        }
        log.warn("no new haproxy worker answered within {} ms", STARTUP_TIMEOUT.toMillis());
    }

    private Optional<String> workerPid()
    {
        try {
            for (String line : socket.command("show info").split("\n")) {
                if (line.startsWith("Pid: ")) {
                    return Optional.of(line.substring(5).strip());
                }
            }
        }
        catch (UncheckedIOException e) {
            // not listening yet
        }
        return Optional.empty();
    }

    /**
     * HAProxy starts a server it has no saved state for as UP (its weight 0 keeps requests away); set DOWN, it reports
     * its true health, and its checks must pass before {@link #admitPassedTargets} gives it a weight.
     */
    private void holdBackNewTargets(HaproxyConfig config, Set<HaproxyConfig.Target> stateSaved)
    {
        List<String> commands = config.servers().stream()
                .filter(server -> !server.draining() && !admitted.contains(server.target()) && !stateSaved.contains(server.target()))
                .map(server -> "set server " + server.path() + " health down")
                .toList();
        runAll(commands, "hold back new targets until their health checks pass");
    }

    /**
     * Gives every admitted target its weight again: the state file already carries it across a reload, but not across a
     * master that died after its last save.
     */
    private void restoreWeights(HaproxyConfig config)
    {
        List<String> commands = config.servers().stream()
                .filter(server -> !server.draining() && admitted.contains(server.target()))
                .map(server -> "set server " + server.path() + " weight " + SERVING_WEIGHT)
                .toList();
        runAll(commands, "restore the weight of the targets in the rotation");
    }

    /** Puts the targets whose checks passed into the rotation (called with the lock held, health just read from config). */
    private void admitPassedTargets(HaproxyConfig config, List<IngressReport.TargetHealth> read)
    {
        Set<HaproxyConfig.Target> healthy = new HashSet<>();
        read.stream().filter(target -> target.state().equals("healthy"))
                .forEach(target -> healthy.add(new HaproxyConfig.Target(target.targetGroupArn(), target.address(), target.port())));
        for (HaproxyConfig.Server server : config.servers()) {
            if (server.draining() || admitted.contains(server.target()) || !healthy.contains(server.target())) {
                continue;
            }
            try {
                socket.command("set server " + server.path() + " weight " + SERVING_WEIGHT);
                admitted.add(server.target());
                log.info("target {}:{} passed its health checks: in the rotation of {}", server.address(), server.port(), server.targetGroupArn());
            }
            catch (UncheckedIOException e) {
                log.warn("cannot put target {}:{} into the rotation, trying again: {}", server.address(), server.port(), e.getMessage());
            }
        }
    }

    /** Runs commands in one connection (the runtime API takes them separated by semicolons); a failure is logged. */
    private void runAll(List<String> commands, String purpose)
    {
        if (commands.isEmpty()) {
            return;
        }
        try {
            String answer = socket.command(String.join("; ", commands)).strip();
            if (!answer.isEmpty()) {
                log.warn("haproxy answered while trying to {}: {}", purpose, answer);
            }
        }
        catch (UncheckedIOException e) {
            log.warn("cannot {}: {}", purpose, e.getMessage());
        }
    }

    /** Saves what the running worker knows of each server (state, check health, weight) for the next one to load. */
    private boolean saveServerState()
    {
        try {
            Files.writeString(runDirectory.resolve("servers.state"), socket.command("show servers state"));
            return true;
        }
        catch (IOException | UncheckedIOException e) {
            log.warn("cannot save haproxy's server state before a reload: {}", e.getMessage());
            return false;
        }
    }

    private void readHealth()
    {
        HaproxyConfig config;
        synchronized (this) {
            config = current;
            if (config == null || master == null || !master.isAlive()) {
                return;
            }
        }
        List<IngressReport.TargetHealth> read;
        try {
            read = TargetHealthReader.read(socket.command("show stat"), config.servers());
        }
        catch (UncheckedIOException e) {
            log.debug("cannot read target health from haproxy: {}", e.getMessage());
            return;
        }
        synchronized (this) {
            // a reload in between may have answered from a worker that had not yet held back its new targets
            if (current != config) {
                return;
            }
            health = read;
            admitPassedTargets(config, read);
        }
    }

    /** An HAProxy whose master an earlier agent started (its pid file) and that still runs this directory's configuration. */
    private void stopLeftover()
    {
        Path pidFile = runDirectory.resolve("haproxy.pid");
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid)
                    .filter(process -> process.info().commandLine().map(line -> line.contains(runDirectory.resolve("haproxy.cfg").toString())).orElse(false));
            if (handle.isPresent()) {
                log.info("stopping haproxy (pid {}) left by an earlier agent", pid);
                stop(handle.get());
            }
            Files.deleteIfExists(pidFile);
        }
        catch (IOException | NumberFormatException e) {
            log.warn("cannot read {}: {}", pidFile, e.getMessage());
        }
    }

    private static void stop(ProcessHandle process)
    {
        process.destroy();
        try {
            process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (Exception e) {
            process.destroyForcibly();
            try {
                process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (Exception again) {
                log.warn("haproxy (pid {}) did not exit after SIGKILL", process.pid());
            }
        }
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops HAProxy (master and workers) and removes its socket, state and pid files; the configuration and log stay for a look. */
    @Override
    public void close()
    {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = supervision;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(STOP_TIMEOUT.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (master != null) {
                // the workers are the master's children: it stops them when it is told to stop
                List<ProcessHandle> workers = master.descendants().toList();
                stop(master.toHandle());
                workers.forEach(HaproxySupervisor::stop);
                master = null;
            }
            for (String file : List.of("admin.sock", "servers.state", "haproxy.pid", "haproxy.cfg.new")) {
                try {
                    Files.deleteIfExists(runDirectory.resolve(file));
                }
                catch (IOException e) {
                    log.warn("cannot remove {}: {}", runDirectory.resolve(file), e.getMessage());
                }
            }
        }
    }
}
