package io.berth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.OciRuntime;
import io.berth.agent.runtime.OciSpecBuilder;
import io.berth.common.json.Json;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The floor: {@code runc run --detach} of the benchmark container's OCI spec (written by the agent's
 * {@link OciSpecBuilder}) on a plain busybox rootfs, with a runc --root of its own; timed to the return of
 * {@code runc run -d} (runc returns once the container's process runs) and to a {@code runc state} that
 * says running; and split into {@code runc create} and {@code runc start}, the two steps the agent's
 * runtime takes. The run container is stopped as a StopTask stops one, timed as the stop's floor: {@code runc kill}
 * with SIGTERM, {@code runc state} until stopped, {@code runc delete}; the others are deleted with
 * {@code runc delete --force} before the next. The same for runsc (the
 * sandbox tier's runtime, with the agent's global options), whose command line is runc's.
 */
final class RawRuncStarts
        implements StartSeries
{
    static final String STATE_RUNNING = stateRunning(OciRuntime.runc(OciRuntime.DEFAULT_RUNC));
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final OciRuntime runtime;
    private final String name;
    private final Path runcRoot;
    private final Path bundles;
    private final Path rootfs;
    private final Path commandOutput;
    private final OciSpecBuilder specs;
    private final List<Duration> runReturned = new ArrayList<>();
    private final List<Duration> stateRunning = new ArrayList<>();
    private final List<Duration> createThenStart = new ArrayList<>();
    private final List<Duration> killThenDelete = new ArrayList<>();

    RawRuncStarts(CleanupStack cleanup, Path runcBinary, Path scratch, Path rootfs, String cgroupParent)
            throws IOException
    {
        this(cleanup, OciRuntime.runc(runcBinary), scratch, rootfs, cgroupParent);
    }

    RawRuncStarts(CleanupStack cleanup, OciRuntime runtime, Path scratch, Path rootfs, String cgroupParent)
            throws IOException
    {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.name = "raw " + runtime.name();
        this.rootfs = requireNonNull(rootfs, "rootfs is null");
        this.runcRoot = Files.createDirectories(scratch.resolve(name.replace(' ', '-') + "-root"));
        this.bundles = Files.createDirectories(scratch.resolve(name.replace(' ', '-') + "-bundles"));
        this.commandOutput = scratch.resolve(name.replace(' ', '-') + "-command.out");
        this.specs = new OciSpecBuilder(cgroupParent, CgroupLayout.host());
        cleanup.push(name + " containers", this::deleteAll);
    }

    /** The stop's floor, for the runtime's name: kill with SIGTERM, runc state until stopped, delete. */
    static String killThenDelete(OciRuntime runtime)
    {
        return "raw " + runtime.name() + ": kill TERM + state stopped + delete";
    }

    /** The step of a start to a state that says running, for the runtime's name. */
    static String stateRunning(OciRuntime runtime)
    {
        return "raw " + runtime.name() + ": run -d + state running";
    }

    @Override
    public void startOnce(int round, boolean measured)
            throws IOException, InterruptedException
    {
        String containerId = "bench-" + name.replace(' ', '-') + "-" + round;
        Path bundle = writeBundle(bundles.resolve(containerId), BenchmarkContainer.launch(containerId, rootfs, bundles.resolve("unused.log")));
        Path runOutput = bundle.resolve("runc-run.out");

        long begin = System.nanoTime();
        // with --detach and no terminal runc hands its own stdio to the container: /dev/null in, a file out
        List<String> command = new ArrayList<>(List.of(runtime.binary().toString()));
        command.addAll(runtime.globalArguments());
        command.addAll(List.of("--root", runcRoot.toString(), "run", "--detach", "--bundle", bundle.toString(), containerId));
        Process run = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(runOutput.toFile())
                .redirectErrorStream(true)
                .start();
        if (!run.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            run.destroyForcibly();
            throw new IOException(runtime.name() + " run did not return within " + COMMAND_TIMEOUT.toSeconds() + " s");
        }
        long returned = System.nanoTime();
        if (run.exitValue() != 0) {
            throw new IOException(runtime.name() + " run failed: " + Files.readString(runOutput).strip());
        }
        String state = runc("state", containerId);
        long confirmed = System.nanoTime();
        JsonNode status = Json.mapper().readTree(state).path("status");
        if (!status.asText().equals("running")) {
            throw new IOException(name + " container " + containerId + " is " + status.asText() + ", not running");
        }
        if (measured) {
            runReturned.add(Duration.ofNanos(returned - begin));
            stateRunning.add(Duration.ofNanos(confirmed - begin));
        }
        // the stop's floor: SIGTERM (the container's shell exits at once on it), runc state until stopped, delete
        awaitTermHandler(containerId, Json.mapper().readTree(state).path("pid").asLong());
        long stopBegin = System.nanoTime();
        runc("kill", containerId, "TERM");
        awaitStopped(containerId, commandOutput);
        runc("delete", containerId);
        if (measured) {
            killThenDelete.add(Duration.ofNanos(System.nanoTime() - stopBegin));
        }

        // the same split into the two steps the agent's runtime takes (conmon runs create, the agent start)
        String splitId = containerId + "-split";
        Path splitBundle = writeBundle(bundles.resolve(splitId), BenchmarkContainer.launch(splitId, rootfs, bundles.resolve("unused.log")));
        long splitBegin = System.nanoTime();
        runc("create", "--bundle", splitBundle.toString(), splitId);
        runc("start", splitId);
        long splitStarted = System.nanoTime();
        if (measured) {
            createThenStart.add(Duration.ofNanos(splitStarted - splitBegin));
        }
        runc("delete", "--force", splitId);
    }

    /**
     * The burst's floor: containers {@code runc run -d} at once, each from a thread of its own, timed until every one
     * returned; then a {@code runc kill} with SIGTERM, a wait for stopped and a {@code runc delete} of each at once,
     * timed until every one is deleted.
     */
    List<Measurement> burst(int containers)
            throws IOException, InterruptedException
    {
        List<String> ids = new ArrayList<>();
        List<Path> bundlesOfBurst = new ArrayList<>();
        for (int index = 0; index < containers; index++) {
            String containerId = "bench-" + name.replace(' ', '-') + "-burst-" + index;
            ids.add(containerId);
            bundlesOfBurst.add(writeBundle(bundles.resolve(containerId), BenchmarkContainer.launch(containerId, rootfs, bundles.resolve("unused.log"))));
        }
        long begin = System.nanoTime();
        allAtOnce(ids, index -> {
            Path output = bundlesOfBurst.get(index).resolve("runc-run.out");
            List<String> command = new ArrayList<>(List.of(runtime.binary().toString()));
            command.addAll(runtime.globalArguments());
            command.addAll(List.of("--root", runcRoot.toString(), "run", "--detach", "--bundle", bundlesOfBurst.get(index).toString(), ids.get(index)));
            HostCommands.runOrThrow(command, output, COMMAND_TIMEOUT);
        });
        long allRunning = System.nanoTime();
        allAtOnce(ids, index -> awaitTermHandler(ids.get(index),
                Json.mapper().readTree(runcPrintingTo(bundlesOfBurst.get(index).resolve("runc-state.out"), "state", ids.get(index))).path("pid").asLong()));
        long stopBegin = System.nanoTime();
        allAtOnce(ids, index -> {
            // each container's commands print into a file of its own: they run at once
            Path output = bundlesOfBurst.get(index).resolve("runc-stop.out");
            runcPrintingTo(output, "kill", ids.get(index), "TERM");
            awaitStopped(ids.get(index), output);
            runcPrintingTo(output, "delete", ids.get(index));
        });
        long allDeleted = System.nanoTime();
        return List.of(Measurement.of(name + " burst: all run -d returned (" + containers + " at once)", List.of(Duration.ofNanos(allRunning - begin))),
                Measurement.of(name + " burst: all kill TERM + stopped + delete", List.of(Duration.ofNanos(allDeleted - stopBegin))));
    }

    private interface ContainerStep
    {
        void run(int index)
                throws IOException, InterruptedException;
    }

    private static void allAtOnce(List<String> ids, ContainerStep step)
            throws IOException, InterruptedException
    {
        try (ExecutorService threads = Executors.newFixedThreadPool(ids.size())) {
            List<Future<Void>> steps = new ArrayList<>();
            for (int index = 0; index < ids.size(); index++) {
                int each = index;
                steps.add(threads.submit(() -> {
                    step.run(each);
                    return null;
                }));
            }
            for (Future<Void> each : steps) {
                try {
                    each.get();
                }
                catch (ExecutionException e) {
                    throw new IOException("a container of the raw burst failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    @Override
    public List<Measurement> measurements()
    {
        return List.of(Measurement.of(name + ": run -d returns", runReturned), Measurement.of(stateRunning(runtime), stateRunning),
                Measurement.of(name + ": create, then start (as conmon does)", createThenStart), Measurement.of(killThenDelete(runtime), killThenDelete));
    }

    /** Polls runc state until the container stopped, for at most the command timeout. */
    /**
     * Waits (outside the stop's timing) until the container's init catches SIGTERM, its shell's trap set: a pid
     * namespace's init ignores a signal it has no handler for, so a SIGTERM sent in its first moments was lost and the
     * container never stopped (seen once in a burst of two).
     */
    private void awaitTermHandler(String containerId, long pid)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (!catchesTerm(pid)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " container " + containerId + " did not set its SIGTERM trap within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(1);
        }
    }

    /** Whether the process has a handler for SIGTERM (signal 15: bit 14 of SigCgt in /proc/PID/status). */
    private static boolean catchesTerm(long pid)
            throws IOException
    {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigCgt:")) {
                return (Long.parseUnsignedLong(line.substring("SigCgt:".length()).strip(), 16) & (1L << 14)) != 0;
            }
        }
        return false;
    }

    private void awaitStopped(String containerId, Path output)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (!Json.mapper().readTree(runcPrintingTo(output, "state", containerId)).path("status").asText().equals("stopped")) {
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " container " + containerId + " did not stop within " + COMMAND_TIMEOUT.toSeconds() + " s of SIGTERM");
            }
            Thread.sleep(1);
        }
    }

    private String runc(String... arguments)
            throws IOException, InterruptedException
    {
        return runcPrintingTo(commandOutput, arguments);
    }

    private String runcPrintingTo(Path output, String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of(runtime.binary().toString()));
        command.addAll(runtime.globalArguments());
        command.addAll(List.of("--root", runcRoot.toString()));
        command.addAll(List.of(arguments));
        return HostCommands.runOrThrow(command, output, COMMAND_TIMEOUT);
    }

    private Path writeBundle(Path bundle, ContainerLaunch launch)
            throws IOException
    {
        Files.createDirectories(bundle);
        Path hosts = Files.writeString(bundle.resolve("hosts"), "127.0.0.1\tlocalhost " + launch.hostname() + "\n");
        Path hostname = Files.writeString(bundle.resolve("hostname"), launch.hostname() + "\n");
        try {
            Files.writeString(bundle.resolve("config.json"), Json.mapper().writeValueAsString(specs.build(launch, hosts, hostname)));
        }
        catch (ContainerStartException e) {
            throw new IOException("cannot build the OCI spec: " + e.getMessage(), e);
        }
        return bundle;
    }

    private void deleteAll()
            throws IOException, InterruptedException
    {
        if (!Files.isDirectory(runcRoot)) {
            return;
        }
        for (String containerId : runc("list", "--quiet").strip().lines().filter(line -> !line.isBlank()).toList()) {
            runc("delete", "--force", containerId);
        }
    }
}
