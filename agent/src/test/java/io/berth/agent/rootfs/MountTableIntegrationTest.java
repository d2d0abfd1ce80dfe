package io.berth.agent.rootfs;

import io.berth.agent.userns.LinuxSyscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Mounts a real tmpfs and binds a real file; needs root. The kernel's answer for one path and the table's agree. */
class MountTableIntegrationTest
{
    @TempDir
    Path directory;

    private final MountTable mountTable = new MountTable();
    private final List<Path> mounted = new ArrayList<>();

    /** Every mount is let go, each tried past a failure of another. */
    @AfterEach
    void unmount()
            throws IOException
    {
        IOException failed = null;
        for (Path target : mounted.reversed()) {
            try {
                LinuxSyscalls.unmount(target, true);
            }
            catch (IOException e) {
                failed = e;
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Test
    void theKernelTellsAMountPointFromWhatIsUnderOrBesideIt()
            throws IOException
    {
        Path filesystem = Files.createDirectories(directory.resolve("fs"));
        mount("tmpfs", filesystem, "tmpfs", "size=1m");
        Path inside = Files.createDirectories(filesystem.resolve("inside"));
        Path file = Files.writeString(directory.resolve("file"), "bound");
        Path source = Files.writeString(directory.resolve("source"), "source");
        mountBind(source, file);
        Path link = Files.createSymbolicLink(directory.resolve("link"), filesystem);

        // answered by statx on this kernel (5.8 and newer), not by the table
        assertThat(LinuxSyscalls.isMountRoot(filesystem)).contains(true);
        for (Path path : List.of(filesystem, inside, file, directory, directory.resolve("missing"), filesystem.resolve("missing/deeper"), link)) {
            assertThat(mountTable.isMountPoint(path)).as("%s", path).isEqualTo(mountTable.mountPoints().contains(path));
        }
        assertThat(mountTable.isMountPoint(filesystem)).isTrue();
        assertThat(mountTable.isMountPoint(file)).isTrue();
        assertThat(mountTable.isMountPoint(inside)).isFalse();
        assertThat(mountTable.isMountPoint(link)).as("a link to a mount point is not one").isFalse();
        assertThat(mountTable.mountPointsUnder(directory)).containsExactlyInAnyOrder(filesystem, file);
    }

    @Test
    void theMountsUnderADirectoryAreFoundWithoutTheTableAndWithoutWalkingIntoAMount()
            throws IOException
    {
        Path filesystem = Files.createDirectories(directory.resolve("task/fs"));
        mount("tmpfs", filesystem, "tmpfs", "size=1m");
        Path nested = Files.createDirectories(filesystem.resolve("nested"));
        mount("tmpfs", nested, "tmpfs", "size=1m");
        Path file = Files.writeString(Files.createDirectories(directory.resolve("task/etc")).resolve("hosts"), "bound");
        mountBind(Files.writeString(directory.resolve("source"), "source"), file);
        Files.createSymbolicLink(directory.resolve("task/link"), filesystem);
        Files.writeString(directory.resolve("task/disk.img"), "not mounted");

        // a table that cannot be read: only the kernel's answers for the paths under the directory can give these
        MountTable kernelOnly = new MountTable(directory.resolve("no-such-mountinfo"), true);
        assertThat(kernelOnly.mountPointsUnder(directory.resolve("task"))).containsExactlyInAnyOrder(filesystem, file);
        assertThat(kernelOnly.mountPointsUnder(filesystem)).containsExactly(filesystem);
        assertThat(kernelOnly.mountPointsUnder(directory.resolve("missing"))).isEmpty();
        // the table lists the mount under the mount too, deepest first
        assertThat(new MountTable(Path.of("/proc/self/mountinfo"), false).mountPointsUnder(filesystem)).containsExactly(nested, filesystem);
    }

    private void mount(String source, Path target, String type, String options)
            throws IOException
    {
        LinuxSyscalls.mount(source, target, type, options);
        mounted.add(target);
    }

    private void mountBind(Path source, Path target)
            throws IOException
    {
        Process bind = new ProcessBuilder("mount", "--bind", source.toString(), target.toString()).inheritIO().start();
        try {
            assertThat(bind.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        finally {
            bind.destroyForcibly();
        }
        assertThat(bind.exitValue()).isZero();
        mounted.add(target);
    }
}
