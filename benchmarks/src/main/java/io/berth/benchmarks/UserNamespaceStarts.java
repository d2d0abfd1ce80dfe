package io.berth.benchmarks;

import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.agent.userns.IdMapping;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The agent's rootfs and start steps for a task's container in the task's network namespace, as the task runner
 * takes them: an overlay snapshot (with idmapped layers when in a user namespace) and RuncConmonRuntime.start
 * (with the user namespace's mappings and the network namespace's sysfs). With idMapping null, the same
 * container without a user namespace: the baseline of the user namespaces' cost.
 */
final class UserNamespaceStarts
        implements StartSeries
{
    private final String name;
    private final Path rootfs;
    private final Path logs;
    private final Path networkNamespace;
    private final IdMapping idMapping;
    private final RuncConmonRuntime runtime;
    private final OverlaySnapshotter snapshotter;
    private final Path snapshots;
    private final List<Duration> samples = new ArrayList<>();
    private final List<Duration> prepares = new ArrayList<>();
    private final List<Duration> starts = new ArrayList<>();
    private long snapshotKilobytes = -1;

    UserNamespaceStarts(CleanupStack cleanup, String name, BenchmarkOptions options, Path scratch, Path rootfs, String cgroupParent, Path networkNamespace, IdMapping idMapping)
    {
        this.name = requireNonNull(name, "name is null");
        this.rootfs = requireNonNull(rootfs, "rootfs is null");
        this.networkNamespace = requireNonNull(networkNamespace, "networkNamespace is null");
        this.idMapping = idMapping;
        this.logs = scratch.resolve(name + "-logs");
        this.runtime = new RuncConmonRuntime(scratch.resolve(name + "-runtime"), options.runcBinary(), options.conmonBinary(), cgroupParent, Clock.systemUTC());
        this.snapshots = scratch.resolve(name + "-snapshots");
        this.snapshotter = new OverlaySnapshotter(snapshots);
        cleanup.push(name + " snapshots", () -> {
            for (String key : snapshotter.keys()) {
                snapshotter.remove(key);
            }
        });
        cleanup.push(name + " containers", () -> runtime.containerIds().forEach(runtime::delete));
    }

    String step()
    {
        return "snapshot + start, " + (idMapping == null ? "no user namespace" : "user namespace");
    }

    @Override
    public void startOnce(int round, boolean measured)
            throws IOException, InterruptedException
    {
        String containerId = "bench-" + name + "-" + round;
        long begin = System.nanoTime();
        Path containerRootfs = snapshotter.prepare(containerId, List.of(rootfs), idMapping);
        long prepared = System.nanoTime();
        ContainerLaunch plain = BenchmarkContainer.launch(containerId, containerRootfs, logs.resolve(containerId + ".log"));
        ContainerLaunch launch = new ContainerLaunch(plain.containerId(), plain.rootfs(), plain.args(), plain.env(), plain.workingDir(), plain.user(), plain.hostname(),
                plain.limits(), plain.logFile(), networkNamespace, plain.hardening(), idMapping);
        long started = MonitoredStarts.startRunning(runtime, name, launch);
        if (measured) {
            samples.add(Duration.ofNanos(started - begin));
            prepares.add(Duration.ofNanos(prepared - begin));
            starts.add(Duration.ofNanos(started - prepared));
            if (snapshotKilobytes < 0) {
                snapshotKilobytes = kilobytesOnDisk(snapshots.resolve(containerId), List.of("idmapped"));
            }
        }
        runtime.delete(containerId);
        snapshotter.remove(containerId);
    }

    @Override
    public List<Measurement> measurements()
    {
        return List.of(
                Measurement.of(step(), samples),
                Measurement.of("  of which snapshot prepare", prepares),
                Measurement.of("  of which RuncConmonRuntime.start", starts));
    }

    /** What one running container's snapshot directory takes on disk (its upper, work and mount point directories), in KiB. */
    long snapshotKilobytes()
    {
        return snapshotKilobytes;
    }

    /** What directory takes on disk, in KiB (du -skx). */
    static long kilobytesOnDisk(Path directory)
            throws IOException, InterruptedException
    {
        return kilobytesOnDisk(directory, List.of());
    }

    /**
     * du on one filesystem: the overlay (a filesystem of its own) is not counted; the idmapped layers are mounts of
     * the layers' own filesystem, which du -x would enter, so they are excluded by name.
     */
    static long kilobytesOnDisk(Path directory, List<String> excludedNames)
            throws IOException, InterruptedException
    {
        Path output = java.nio.file.Files.createTempFile("berth-bench-du", ".txt");
        try {
            List<String> command = new ArrayList<>(List.of("du", "-skx"));
            excludedNames.forEach(name -> command.add("--exclude=" + name));
            command.add(directory.toString());
            String printed = HostCommands.runOrThrow(command, output, Duration.ofSeconds(60));
            return Long.parseLong(printed.strip().split("\\s+")[0]);
        }
        finally {
            java.nio.file.Files.deleteIfExists(output);
        }
    }
}
