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
        long stopBegin = System.nanoTime();
        runc("kill", containerId, "TERM");
        awaitStopped(containerId);
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

    @Override
    public List<Measurement> measurements()
    {
        return List.of(Measurement.of(name + ": run -d returns", runReturned), Measurement.of(stateRunning(runtime), stateRunning),
                Measurement.of(name + ": create, then start (as conmon does)", createThenStart), Measurement.of(killThenDelete(runtime), killThenDelete));
    }

    /** Polls runc state until the container stopped, for at most the command timeout. */
    private void awaitStopped(String containerId)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (!Json.mapper().readTree(runc("state", containerId)).path("status").asText().equals("stopped")) {
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " container " + containerId + " did not stop within " + COMMAND_TIMEOUT.toSeconds() + " s of SIGTERM");
            }
            Thread.sleep(1);
        }
    }

    private String runc(String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of(runtime.binary().toString()));
        command.addAll(runtime.globalArguments());
        command.addAll(List.of("--root", runcRoot.toString()));
        command.addAll(List.of(arguments));
        return HostCommands.runOrThrow(command, commandOutput, COMMAND_TIMEOUT);
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
