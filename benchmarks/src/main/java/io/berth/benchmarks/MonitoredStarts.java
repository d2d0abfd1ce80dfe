package io.berth.benchmarks;

import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.RuncConmonRuntime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The agent's own runtime without the rest of Berth: {@link RuncConmonRuntime#start} (conmon launched, runc
 * create awaited, runc start), optionally after an overlayfs snapshot over the rootfs as the agent makes for
 * each task. What Berth adds on top of this is the control plane, the agent loop and the API.
 */
final class MonitoredStarts
        implements StartSeries
{
    static final String CONMON_RUNC = "conmon + runc (RuncConmonRuntime.start)";
    static final String OVERLAY_CONMON_RUNC = "overlay + conmon + runc (agent start path)";

    private final String name;
    private final Path rootfs;
    private final Path logs;
    private final RuncConmonRuntime runtime;
    private final OverlaySnapshotter snapshotter;
    private final List<Duration> samples = new ArrayList<>();

    /** @param overlay whether each start gets an overlay snapshot over rootfs, as a task does, or runs on rootfs itself */
    MonitoredStarts(CleanupStack cleanup, String name, Path runcBinary, Path conmonBinary, Path scratch, Path rootfs, String cgroupParent, boolean overlay)
    {
        this.name = requireNonNull(name, "name is null");
        this.rootfs = requireNonNull(rootfs, "rootfs is null");
        this.logs = scratch.resolve(name + "-logs");
        this.runtime = new RuncConmonRuntime(scratch.resolve(name + "-runtime"), runcBinary, conmonBinary, cgroupParent, Clock.systemUTC());
        this.snapshotter = overlay ? new OverlaySnapshotter(scratch.resolve(name + "-snapshots")) : null;
        if (snapshotter != null) {
            cleanup.push(name + " snapshots", () -> {
                for (String key : snapshotter.keys()) {
                    snapshotter.remove(key);
                }
            });
        }
        cleanup.push(name + " containers", () -> runtime.containerIds().forEach(runtime::delete));
    }

    @Override
    public void startOnce(int round, boolean measured)
            throws IOException
    {
        String containerId = "bench-" + name + "-" + round;
        long begin = System.nanoTime();
        Path containerRootfs = snapshotter != null ? snapshotter.prepare(containerId, List.of(rootfs)) : rootfs;
        try {
            runtime.start(BenchmarkContainer.launch(containerId, containerRootfs, logs.resolve(containerId + ".log")));
        }
        catch (ContainerStartException e) {
            throw new IOException(name + " start of " + containerId + " failed: " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        Optional<ContainerStatus> status = runtime.status(containerId);
        if (status.isEmpty() || !(status.get() instanceof ContainerStatus.Running)) {
            throw new IOException(name + " container " + containerId + " is not running after start: " + status);
        }
        if (measured) {
            samples.add(Duration.ofNanos(started - begin));
        }
        runtime.delete(containerId);
        if (snapshotter != null) {
            snapshotter.remove(containerId);
        }
    }

    @Override
    public List<Measurement> measurements()
    {
        return List.of(Measurement.of(snapshotter != null ? OVERLAY_CONMON_RUNC : CONMON_RUNC, samples));
    }
}
