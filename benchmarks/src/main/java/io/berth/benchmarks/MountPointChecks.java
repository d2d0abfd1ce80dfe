package io.berth.benchmarks;

import io.berth.agent.rootfs.MountTable;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one question "is this path a mount point?" costs on this host as it is now (with a burst's tasks running, some
 * five mounts each): the agent's way (statx, one call) against a read of the whole mount table, which is how the agent
 * asked before and still asks when the kernel cannot tell. A task's start and stop asked some ten times. Both ways
 * are timed alternately on the same path, and must agree.
 */
final class MountPointChecks
{
    static final String KERNEL = "mount point check: statx of the path (the agent's way)";
    static final int CALLS = 200;
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
        return List.of(
                Measurement.of(KERNEL, kernel),
                Measurement.of("mount point check: read of the mount table, " + mounts + " mounts (as before)", whole));
    }
}
