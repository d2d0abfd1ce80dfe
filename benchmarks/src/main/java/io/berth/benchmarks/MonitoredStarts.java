package io.berth.benchmarks;

import io.berth.agent.rootfs.LoopDeviceTaskStorage;
import io.berth.agent.rootfs.OverlaySnapshotter;
import io.berth.agent.runtime.ContainerLaunch;
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
 * create awaited, runc start); or the agent's whole start sequence for a task's container: the status check
 * that would adopt a container left by an earlier agent, an overlayfs snapshot over the rootfs, and the
 * start; with task storage also the task's own filesystem made first (and released after) for the writable layer. What Berth adds on top of that is the control plane, the agent loop and the API.
 */
final class MonitoredStarts
        implements StartSeries
{
    static final String CONMON_RUNC = "conmon + runc (RuncConmonRuntime.start)";
    static final String AGENT_START_STEPS = "agent start steps: status + overlay + conmon + runc";
    static final String STATUS_CHECK = "  of which runtime.status pre-check (runc state)";
    static final String SNAPSHOT = "  of which overlay snapshot prepare";
    static final String RUNTIME_START = "  of which RuncConmonRuntime.start";
    static final String STORAGE_START_STEPS = "agent start steps with task storage: storage + status + overlay + conmon + runc";
    static final String STORAGE_CREATE = "  of which task storage create (20 GiB: mkfs.ext4, losetup, mount)";
    static final String STORAGE_RELEASE = "task storage release after the container (umount, losetup -d, rm)";

    private final String name;
    private final Path rootfs;
    private final Path logs;
    private final RuncConmonRuntime runtime;
    private final OverlaySnapshotter snapshotter;
    private final LoopDeviceTaskStorage storage;
    private final List<Duration> samples = new ArrayList<>();
    private final List<Duration> storageCreates = new ArrayList<>();
    private final List<Duration> storageReleases = new ArrayList<>();
    private final List<Duration> statusChecks = new ArrayList<>();
    private final List<Duration> snapshots = new ArrayList<>();
    private final List<Duration> runtimeStarts = new ArrayList<>();

    /** @param overlay whether each start gets an overlay snapshot over rootfs, as a task does, or runs on rootfs itself */
    MonitoredStarts(CleanupStack cleanup, String name, Path runcBinary, Path conmonBinary, Path scratch, Path rootfs, String cgroupParent, boolean overlay)
    {
        this(cleanup, name, runcBinary, conmonBinary, scratch, rootfs, cgroupParent, overlay, false);
    }

    /** @param taskStorage whether the overlay's writable layer goes on a task storage of 20 GiB made for each start, as Berth's agent does */
    MonitoredStarts(CleanupStack cleanup, String name, Path runcBinary, Path conmonBinary, Path scratch, Path rootfs, String cgroupParent, boolean overlay,
            boolean taskStorage)
    {
        this.name = requireNonNull(name, "name is null");
        this.rootfs = requireNonNull(rootfs, "rootfs is null");
        this.logs = scratch.resolve(name + "-logs");
        this.runtime = new RuncConmonRuntime(scratch.resolve(name + "-runtime"), runcBinary, conmonBinary, cgroupParent, Clock.systemUTC());
        this.storage = taskStorage ? new LoopDeviceTaskStorage(scratch.resolve(name + "-storage")) : null;
        if (storage != null) {
            cleanup.push(name + " task storage", () -> {
                for (String taskId : storage.taskIds()) {
                    storage.remove(taskId);
                }
            });
        }
        this.snapshotter = !overlay ? null
                : storage != null ? new OverlaySnapshotter(scratch.resolve(name + "-snapshots"), storage) : new OverlaySnapshotter(scratch.resolve(name + "-snapshots"));
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
        String taskId = "bench-" + name + "-task-" + round;
        long begin = System.nanoTime();
        if (storage != null) {
            storage.create(taskId, 20, List.of(containerId));
        }
        long storageReady = System.nanoTime();
        if (snapshotter != null) {
            // the agent's steps for a new task: ask the runtime whether the container exists (adoption after
            // a restart), prepare the rootfs, start
            Optional<ContainerStatus> before = runtime.status(containerId);
            if (before.isPresent()) {
                throw new IOException(name + " container " + containerId + " exists before its start: " + before.get());
            }
        }
        long checked = System.nanoTime();
        Path containerRootfs = snapshotter != null ? snapshotter.prepare(containerId, List.of(rootfs)) : rootfs;
        long prepared = System.nanoTime();
        long started = startRunning(runtime, name, BenchmarkContainer.launch(containerId, containerRootfs, logs.resolve(containerId + ".log")));
        if (measured) {
            samples.add(Duration.ofNanos(started - begin));
            statusChecks.add(Duration.ofNanos(checked - storageReady));
            storageCreates.add(Duration.ofNanos(storageReady - begin));
            snapshots.add(Duration.ofNanos(prepared - checked));
            runtimeStarts.add(Duration.ofNanos(started - prepared));
        }
        runtime.delete(containerId);
        if (snapshotter != null) {
            snapshotter.remove(containerId);
        }
        if (storage != null) {
            long releasing = System.nanoTime();
            storage.remove(taskId);
            if (measured) {
                storageReleases.add(Duration.ofNanos(System.nanoTime() - releasing));
            }
        }
    }

    /** Starts the container and returns when the start returned (System.nanoTime()); fails unless the container then runs. */
    static long startRunning(RuncConmonRuntime runtime, String name, ContainerLaunch launch)
            throws IOException
    {
        try {
            runtime.start(launch);
        }
        catch (ContainerStartException e) {
            throw new IOException(name + " start of " + launch.containerId() + " failed: " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        Optional<ContainerStatus> status = runtime.status(launch.containerId());
        if (status.isEmpty() || !(status.get() instanceof ContainerStatus.Running)) {
            throw new IOException(name + " container " + launch.containerId() + " is not running after start: " + status);
        }
        return started;
    }

    @Override
    public List<Measurement> measurements()
    {
        if (snapshotter == null) {
            return List.of(Measurement.of(CONMON_RUNC, samples));
        }
        if (storage != null) {
            return List.of(
                    Measurement.of(STORAGE_START_STEPS, samples),
                    Measurement.of(STORAGE_CREATE, storageCreates),
                    Measurement.of(STATUS_CHECK, statusChecks),
                    Measurement.of(SNAPSHOT, snapshots),
                    Measurement.of(RUNTIME_START, runtimeStarts),
                    Measurement.of(STORAGE_RELEASE, storageReleases));
        }
        return List.of(
                Measurement.of(AGENT_START_STEPS, samples),
                Measurement.of(STATUS_CHECK, statusChecks),
                Measurement.of(SNAPSHOT, snapshots),
                Measurement.of(RUNTIME_START, runtimeStarts));
    }
}
