package io.berth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.OciSpecBuilder;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.common.json.Json;
import io.berth.testing.BusyboxRootfs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The floor under Berth: the benchmark container started without Berth, the same OCI spec each time.
 * <ul>
 * <li>raw runc: {@code runc run --detach} on a plain busybox rootfs, with its own {@code --root};</li>
 * <li>conmon + runc: the agent's {@link RuncConmonRuntime#start}, which launches conmon, waits for runc
 * create and runs runc start;</li>
 * <li>overlay + conmon + runc: the same after an overlayfs snapshot over the rootfs, as the agent does for
 * a task, so the rest of Berth's time is the control plane, the agent loop and the API.</li>
 * </ul>
 * Each container is deleted (runc delete -f) before the next starts.
 */
final class RuntimeBaselineBenchmark
{
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final String RAW_RUNC_RUN = "raw runc: run -d returns";
    static final String RAW_RUNC_RUNNING = "raw runc: run -d + state running";
    static final String CONMON_RUNC = "conmon + runc (RuncConmonRuntime.start)";
    static final String OVERLAY_CONMON_RUNC = "overlay + conmon + runc (agent start path)";

    private final CleanupStack cleanup;
    private final Path runcBinary;
    private final Path conmonBinary;
    private final int iterations;
    private final int warmups;

    RuntimeBaselineBenchmark(CleanupStack cleanup, Path runcBinary, Path conmonBinary, int iterations, int warmups)
    {
        this.cleanup = requireNonNull(cleanup, "cleanup is null");
        this.runcBinary = requireNonNull(runcBinary, "runcBinary is null");
        this.conmonBinary = requireNonNull(conmonBinary, "conmonBinary is null");
        this.iterations = iterations;
        this.warmups = warmups;
    }

    List<Measurement> run()
            throws IOException, InterruptedException
    {
        Path scratch = ScratchDirectories.create(cleanup, "berth-bench-runtime");
        String cgroupParent = "berth-bench-" + ProcessHandle.current().pid();
        CgroupLayout cgroups = CgroupLayout.host();
        // pushed after the directory, so it runs before it: containers first, then their cgroups, then files
        cleanup.push("cgroup " + cgroupParent, () -> cgroups.remove(cgroupParent));
        Path rootfs = BusyboxRootfs.create(scratch.resolve("busybox-rootfs"));

        List<Measurement> results = new ArrayList<>(rawRunc(scratch, rootfs, cgroupParent + "/raw", cgroups));
        results.add(conmonRunc(scratch, rootfs, cgroupParent + "/conmon", false));
        results.add(conmonRunc(scratch, rootfs, cgroupParent + "/overlay", true));
        return results;
    }

    private List<Measurement> rawRunc(Path scratch, Path rootfs, String cgroupParent, CgroupLayout cgroups)
            throws IOException, InterruptedException
    {
        Path runcRoot = Files.createDirectories(scratch.resolve("raw-runc-root"));
        Path bundles = Files.createDirectories(scratch.resolve("raw-bundles"));
        Path commandOutput = scratch.resolve("raw-command.out");
        cleanup.push("raw runc containers", () -> deleteAllRuncContainers(runcRoot, commandOutput));
        OciSpecBuilder specs = new OciSpecBuilder(cgroupParent, cgroups);

        List<Duration> runReturned = new ArrayList<>();
        List<Duration> stateRunning = new ArrayList<>();
        for (int i = 0; i < warmups + iterations; i++) {
            String containerId = "bench-raw-" + i;
            Path bundle = writeBundle(specs, bundles.resolve(containerId), BenchmarkContainer.launch(containerId, rootfs, scratch.resolve("unused.log")));
            Path runcLog = bundle.resolve("runc-run.out");

            long begin = System.nanoTime();
            // with --detach and no terminal runc hands its own stdio to the container: /dev/null in, a file out
            Process run = new ProcessBuilder(runcBinary.toString(), "--root", runcRoot.toString(), "run", "--detach", "--bundle", bundle.toString(), containerId)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(runcLog.toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!run.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                run.destroyForcibly();
                throw new IOException("runc run did not return within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            long returned = System.nanoTime();
            if (run.exitValue() != 0) {
                throw new IOException("runc run failed: " + Files.readString(runcLog).strip());
            }
            String state = HostCommands.runOrThrow(List.of(runcBinary.toString(), "--root", runcRoot.toString(), "state", containerId), commandOutput, COMMAND_TIMEOUT);
            long confirmed = System.nanoTime();
            JsonNode status = Json.mapper().readTree(state).path("status");
            if (!status.asText().equals("running")) {
                throw new IOException("raw runc container " + containerId + " is " + status.asText() + ", not running");
            }
            if (i >= warmups) {
                runReturned.add(Duration.ofNanos(returned - begin));
                stateRunning.add(Duration.ofNanos(confirmed - begin));
            }
            HostCommands.runOrThrow(List.of(runcBinary.toString(), "--root", runcRoot.toString(), "delete", "--force", containerId), commandOutput, COMMAND_TIMEOUT);
        }
        return List.of(Measurement.of(RAW_RUNC_RUN, runReturned), Measurement.of(RAW_RUNC_RUNNING, stateRunning));
    }

    private Measurement conmonRunc(Path scratch, Path rootfs, String cgroupParent, boolean overlay)
            throws IOException, InterruptedException
    {
        String name = overlay ? "overlay" : "conmon";
        RuncConmonRuntime runtime = new RuncConmonRuntime(scratch.resolve(name + "-runtime"), runcBinary, conmonBinary, cgroupParent, Clock.systemUTC());
        OverlaySnapshotter snapshotter = new OverlaySnapshotter(scratch.resolve(name + "-snapshots"));
        cleanup.push(name + " snapshots", () -> {
            for (String key : snapshotter.keys()) {
                snapshotter.remove(key);
            }
        });
        cleanup.push(name + " containers", () -> runtime.containerIds().forEach(runtime::delete));

        List<Duration> samples = new ArrayList<>();
        for (int i = 0; i < warmups + iterations; i++) {
            String containerId = "bench-" + name + "-" + i;
            Path logFile = scratch.resolve(name + "-logs").resolve(containerId + ".log");
            long begin = System.nanoTime();
            Path containerRootfs = overlay ? snapshotter.prepare(containerId, List.of(rootfs)) : rootfs;
            ContainerLaunch launch = BenchmarkContainer.launch(containerId, containerRootfs, logFile);
            try {
                runtime.start(launch);
            }
            catch (io.berth.agent.runtime.ContainerStartException e) {
                throw new IOException(name + " start of " + containerId + " failed: " + e.getMessage(), e);
            }
            long started = System.nanoTime();
            Optional<ContainerStatus> status = runtime.status(containerId);
            if (status.isEmpty() || !(status.get() instanceof ContainerStatus.Running)) {
                throw new IOException(name + " container " + containerId + " is not running after start: " + status);
            }
            if (i >= warmups) {
                samples.add(Duration.ofNanos(started - begin));
            }
            runtime.delete(containerId);
            if (overlay) {
                snapshotter.remove(containerId);
            }
        }
        return Measurement.of(overlay ? OVERLAY_CONMON_RUNC : CONMON_RUNC, samples);
    }

    private static Path writeBundle(OciSpecBuilder specs, Path bundle, ContainerLaunch launch)
            throws IOException
    {
        Files.createDirectories(bundle);
        Path hosts = Files.writeString(bundle.resolve("hosts"), "127.0.0.1\tlocalhost " + launch.hostname() + "\n");
        Path hostname = Files.writeString(bundle.resolve("hostname"), launch.hostname() + "\n");
        try {
            Files.writeString(bundle.resolve("config.json"), Json.mapper().writeValueAsString(specs.build(launch, hosts, hostname)));
        }
        catch (io.berth.agent.runtime.ContainerStartException e) {
            throw new IOException("cannot build the OCI spec: " + e.getMessage(), e);
        }
        return bundle;
    }

    private void deleteAllRuncContainers(Path runcRoot, Path commandOutput)
            throws IOException, InterruptedException
    {
        if (!Files.isDirectory(runcRoot)) {
            return;
        }
        String ids = HostCommands.runOrThrow(List.of(runcBinary.toString(), "--root", runcRoot.toString(), "list", "--quiet"), commandOutput, COMMAND_TIMEOUT);
        for (String containerId : ids.strip().lines().filter(line -> !line.isBlank()).toList()) {
            HostCommands.run(List.of(runcBinary.toString(), "--root", runcRoot.toString(), "delete", "--force", containerId), commandOutput, COMMAND_TIMEOUT);
        }
    }
}
