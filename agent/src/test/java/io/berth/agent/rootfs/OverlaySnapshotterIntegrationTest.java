package io.berth.agent.rootfs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mounts real overlayfs; needs root. */
class OverlaySnapshotterIntegrationTest
{
    @TempDir
    Path directory;

    private OverlaySnapshotter snapshotter;
    private final MountTable mountTable = new MountTable();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        snapshotter = new OverlaySnapshotter(directory.resolve("snapshots"));
    }

    @AfterEach
    void tearDown()
            throws IOException
    {
        processes.forEach(Process::destroyForcibly);
        for (String key : snapshotter.keys()) {
            snapshotter.remove(key);
        }
    }

    @Test
    void stacksManyLayersWithTheLastOnTop()
            throws IOException
    {
        List<Path> layers = new ArrayList<>();
        for (int index = 0; index < 40; index++) {
            // long names, as a content store's digests are: the option string would pass a page without links
            Path layer = Files.createDirectories(directory.resolve("layers/sha256-" + "0123456789abcdef".repeat(4) + "-" + index));
            Files.writeString(layer.resolve("winner"), "layer " + index);
            Files.writeString(layer.resolve("only-in-" + index), "x");
            layers.add(layer);
        }

        Path rootfs = snapshotter.prepare("many", layers);

        assertThat(mountTable.isMountPoint(rootfs)).isTrue();
        assertThat(Files.readString(rootfs.resolve("winner"))).isEqualTo("layer 39");
        assertThat(rootfs.resolve("only-in-0")).exists();
        assertThat(rootfs.resolve("only-in-39")).exists();
    }

    @Test
    void aDataDirectoryWhoseNameOverlayfsWouldSplitStillMountsAndUnmounts()
            throws IOException
    {
        // a comma or colon in the agent's own path cannot go into mount options: the mount then names relative paths
        OverlaySnapshotter odd = new OverlaySnapshotter(directory.resolve("data,with:odd").resolve("snapshots"));
        Path layer = Files.createDirectories(directory.resolve("layer"));
        Files.writeString(layer.resolve("file"), "from the layer");

        Path rootfs = odd.prepare("odd", List.of(layer));

        assertThat(mountTable.isMountPoint(rootfs)).isTrue();
        assertThat(Files.readString(rootfs.resolve("file"))).isEqualTo("from the layer");
        odd.remove("odd");
        assertThat(mountTable.isMountPoint(rootfs)).isFalse();
        assertThat(rootfs).doesNotExist();
    }

    @Test
    void writesGoToTheUpperDirectoryOnly()
            throws IOException
    {
        Path layer = Files.createDirectories(directory.resolve("layer"));
        Files.writeString(layer.resolve("file"), "original");

        Path rootfs = snapshotter.prepare("writer", List.of(layer));
        Files.writeString(rootfs.resolve("file"), "changed");
        Files.writeString(rootfs.resolve("new"), "new");

        assertThat(Files.readString(layer.resolve("file"))).isEqualTo("original");
        assertThat(layer.resolve("new")).doesNotExist();
        assertThat(Files.readString(directory.resolve("snapshots/writer/upper/file"))).isEqualTo("changed");
    }

    @Test
    void prepareIsIdempotentAndWorksWithoutLayers()
            throws IOException
    {
        Path rootfs = snapshotter.prepare("empty", List.of());
        Files.writeString(rootfs.resolve("kept"), "yes");

        assertThat(snapshotter.prepare("empty", List.of())).isEqualTo(rootfs);
        assertThat(Files.readString(rootfs.resolve("kept"))).isEqualTo("yes");
        assertThat(mountTable.mountPointsUnder(directory.resolve("snapshots/empty"))).containsExactly(rootfs);
    }

    @Test
    void removeUnmountsDeletesAndIsIdempotent()
            throws IOException
    {
        Path layer = Files.createDirectories(directory.resolve("layer"));
        Files.writeString(layer.resolve("file"), "keep me");
        snapshotter.prepare("gone", List.of(layer));
        assertThat(snapshotter.keys()).containsExactly("gone");

        snapshotter.remove("gone");
        snapshotter.remove("gone");
        snapshotter.remove("never-made");

        assertThat(snapshotter.keys()).isEmpty();
        assertThat(directory.resolve("snapshots/gone")).doesNotExist();
        assertThat(mountTable.mountPointsUnder(directory.resolve("snapshots"))).isEmpty();
        assertThat(Files.readString(layer.resolve("file"))).isEqualTo("keep me");
    }

    @Test
    void removeCleansUpAHalfMadeSnapshot()
            throws IOException
    {
        Files.createDirectories(directory.resolve("snapshots/half/upper"));
        Files.createDirectories(directory.resolve("snapshots/half/l"));
        Files.createSymbolicLink(directory.resolve("snapshots/half/l/0"), Files.createDirectories(directory.resolve("layer")));

        snapshotter.remove("half");

        assertThat(directory.resolve("snapshots/half")).doesNotExist();
        assertThat(directory.resolve("layer")).isDirectory();
    }

    @Test
    void removeDetachesABusyMount()
            throws Exception
    {
        Path layer = Files.createDirectories(directory.resolve("layer"));
        Path rootfs = snapshotter.prepare("busy", List.of(layer));
        Process holder = new ProcessBuilder("sleep", "1000").directory(rootfs.toFile()).start();
        processes.add(holder);

        snapshotter.remove("busy");

        assertThat(mountTable.isMountPoint(rootfs)).isFalse();
        assertThat(directory.resolve("snapshots/busy")).doesNotExist();
    }

    @Test
    void rejectsMissingLayersAndBadKeys()
    {
        assertThatThrownBy(() -> snapshotter.prepare("missing", List.of(directory.resolve("absent"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> snapshotter.prepare("../escape", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withTaskStorageTheWritesGoToTheTasksFilesystemAndAreRemovedWithTheSnapshot()
            throws IOException
    {
        String task = "0123456789abcdef0123456789abcdef";
        String key = task + "-app";
        LoopDeviceTaskStorage storage = new LoopDeviceTaskStorage(directory.resolve("storage"));
        OverlaySnapshotter capped = new OverlaySnapshotter(directory.resolve("capped"), storage);
        try {
            assertThatThrownBy(() -> capped.prepare(key, List.of()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no task storage holds the writable layer of " + key);
            storage.create(task, 21, List.of(key));
            Path layer = Files.createDirectories(directory.resolve("layer"));
            Files.writeString(layer.resolve("file"), "original");

            Path rootfs = capped.prepare(key, List.of(layer));
            Files.writeString(rootfs.resolve("file"), "changed");

            Path upper = storage.directoryFor(key).resolve("upper");
            assertThat(Files.readString(upper.resolve("file"))).isEqualTo("changed");
            assertThat(directory.resolve("capped").resolve(key).resolve("upper")).doesNotExist();
            // df / in the container: overlayfs reports its upper filesystem, the task's
            assertThat(Files.getFileStore(rootfs).getTotalSpace()).isEqualTo(Files.getFileStore(upper).getTotalSpace());
            assertThat(Files.getFileStore(rootfs).getTotalSpace()).isBetween(21L * (1L << 30) - (1 << 20), 21L * (1L << 30) + (1 << 20));

            capped.remove(key);

            assertThat(storage.existing(key)).isEmpty();
            assertThat(storage.mountPoint(task).orElseThrow().resolve(key)).doesNotExist();
            assertThat(directory.resolve("capped").resolve(key)).doesNotExist();
        }
        finally {
            for (String leftover : capped.keys()) {
                capped.remove(leftover);
            }
            storage.remove(task);
        }
    }
}
