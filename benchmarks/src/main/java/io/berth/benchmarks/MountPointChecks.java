package io.berth.benchmarks;

import io.berth.agent.rootfs.MountTable;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one question "is this path a mount point?" costs on this host as it is now (with a burst's tasks running, some
 * five mounts each): the agent's way (statx, one call) against a read of the whole mount table, which is how the agent
 * asked before and still asks when the kernel cannot tell. A task's start and stop asked some ten times. Both ways
 * are timed alternately on the same path, and must agree. The same for the question a stop asks four times, what is
 * mounted under a directory, on one of the burst's task storage directories.
 */
final class MountPointChecks
{
    static final String KERNEL = "mount point check: statx of the path (the agent's way)";
    static final String UNDER_KERNEL = "mounts under a task's storage directory: statx of its paths (the agent's way)";
    static final int CALLS = 200;
    /** The name of a task storage's mount point in its task's directory (LoopDeviceTaskStorage's). */
    private static final String TASK_FILESYSTEM = "fs";
    /** A mount point on every Linux host. */
    private static final Path PATH = Path.of("/proc");

    private MountPointChecks() {}

    static List<Measurement> measure()
            throws IOException
    {
        MountTable table = new MountTable();
        int mounts = table.mountPoints().size();
        List<Duration> kernel = new ArrayList<>();
        List<Duration> whole = new ArrayList<>();
        for (int call = 0; call < CALLS; call++) {
            long start = System.nanoTime();
            boolean asked = table.isMountPoint(PATH);
            long between = System.nanoTime();
            boolean read = table.mountPoints().contains(PATH);
            long end = System.nanoTime();
            if (asked != read) {
                throw new IOException("the kernel and the mount table disagree on whether " + PATH + " is a mount point");
            }
            kernel.add(Duration.ofNanos(between - start));
            whole.add(Duration.ofNanos(end - between));
        }
        List<Measurement> measured = new ArrayList<>(List.of(
                Measurement.of(KERNEL, kernel),
                Measurement.of("mount point check: read of the mount table, " + mounts + " mounts (as before)", whole)));
        Optional<Path> taskStorage = table.mountPoints().stream()
                .filter(path -> path.getFileName() != null && path.getFileName().toString().equals(TASK_FILESYSTEM) && path.getParent() != null)
                .map(Path::getParent)
                .findFirst();
        if (taskStorage.isPresent()) {
            measured.addAll(mountsUnder(table, taskStorage.get()));
        }
        return List.copyOf(measured);
    }

    /**
     * What a task's stop asks four times (its storage's and each container's root filesystem's directory): the mounts
     * under a directory, by statx of the few paths under it (the agent's way) against a read of the whole table.
     */
    private static List<Measurement> mountsUnder(MountTable table, Path directory)
            throws IOException
    {
        List<Duration> walked = new ArrayList<>();
        List<Duration> read = new ArrayList<>();
        for (int call = 0; call < CALLS; call++) {
            long start = System.nanoTime();
            Set<Path> underByKernel = Set.copyOf(table.mountPointsUnder(directory));
            long between = System.nanoTime();
            Set<Path> underInTable = table.mountPoints().stream().filter(path -> path.startsWith(directory)).collect(Collectors.toUnmodifiableSet());
            long end = System.nanoTime();
            if (!underByKernel.equals(underInTable)) {
                throw new IOException("the kernel and the mount table disagree on what is mounted under " + directory + ": " + underByKernel + " against " + underInTable);
            }
            walked.add(Duration.ofNanos(between - start));
            read.add(Duration.ofNanos(end - between));
        }
        return List.of(
                Measurement.of(UNDER_KERNEL, walked),
                Measurement.of("mounts under a task's storage directory: read of the mount table (as before)", read));
    }
}
