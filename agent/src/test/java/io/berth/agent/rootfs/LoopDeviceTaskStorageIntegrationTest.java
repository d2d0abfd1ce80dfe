package io.berth.agent.rootfs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real mkfs.ext4, loop devices and mounts; needs root. Fault injection puts failing commands in their place. */
class LoopDeviceTaskStorageIntegrationTest
{
    private static final String TASK = "0123456789abcdef0123456789abcdef";
    private static final String KEY = TASK + "-app";
    private static final long GIB = 1L << 30;

    @TempDir
    Path directory;

    private final MountTable mountTable = new MountTable();
    private LoopDeviceTaskStorage storage;

    @AfterEach
    void tearDown()
            throws IOException
    {
        if (storage != null) {
            storage.closeSpares();
        }
        LoopDeviceTaskStorage cleaner = new LoopDeviceTaskStorage(directory.resolve("storage"));
        for (String taskId : cleaner.taskIds()) {
            cleaner.remove(taskId);
        }
        // what a failed test left mounted of its spares
        for (Path mountPoint : mountTable.mountPointsUnder(directory)) {
            KernelMounts.unmount(mountPoint, true, Duration.ofSeconds(30));
        }
        for (Path image : spareImagesIn(directory.resolve("storage").resolve(LoopDeviceTaskStorage.SPARES))) {
            for (String device : LoopDeviceTaskStorage.loopDevicesOf(image)) {
                KernelMounts.detachLoopDevice(Path.of(device), Duration.ofSeconds(30));
            }
        }
    }

    private static List<Path> spareImagesIn(Path spares)
            throws IOException
    {
        if (!Files.isDirectory(spares)) {
            return List.of();
        }
        try (var paths = Files.walk(spares)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void theTaskGetsAFilesystemOfItsSizeAndNothingIsLeftAfterRemoval()
            throws Exception
    {
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"));
        storage.create(TASK, 21, List.of(KEY));

        Path filesystem = storage.mountPoint(TASK).orElseThrow();
        FileStore store = Files.getFileStore(filesystem);
        assertThat(store.type()).isEqualTo("ext4");
        // what df shows as the size: within 1 MiB of what the task asked for
        assertThat(store.getTotalSpace()).isBetween(21 * GIB - (1 << 20), 21 * GIB + (1 << 20));
        assertThat(storage.directoryFor(KEY)).isEqualTo(filesystem.resolve(KEY)).isDirectory();
        List<String> devices = storage.loopDevices(TASK);
        assertThat(devices).singleElement().asString().startsWith("/dev/loop");
        // sparse: an empty 21 GiB filesystem holds almost nothing of the host's disk
        assertThat(allocatedBytes(directory.resolve("storage").resolve(TASK).resolve("disk.img"))).isLessThan(64L << 20);

        storage.remove(TASK);

        assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
        assertThat(mountTable.mountPointsUnder(directory)).isEmpty();
        assertThat(storage.loopDevices(TASK)).isEmpty();
        assertThat(Files.exists(Path.of("/sys/block").resolve(devices.getFirst().substring("/dev/".length())).resolve("loop"))).isFalse();
        storage.remove(TASK);
    }

    @Test
    void aTaskOfTheSpareSizeGetsAFilesystemMountedAheadAndTheSparesAreMadeAgain()
            throws Exception
    {
        SpareImages spares = storageWithTwoSpares();
        Path spare = spares.ready().getFirst();
        String spareDevice = LoopDeviceTaskStorage.loopDevicesOf(spare.resolve(LoopDeviceTaskStorage.IMAGE)).getFirst();
        assertThat(mountTable.isMountPoint(spare.resolve(LoopDeviceTaskStorage.MOUNT_POINT))).isTrue();
        // a spare is an empty filesystem no task has had: the next task's files are only its own
        storage.create(TASK, 2, List.of(KEY));

        Path filesystem = storage.mountPoint(TASK).orElseThrow();
        assertThat(Files.getFileStore(filesystem).type()).isEqualTo("ext4");
        assertThat(Files.getFileStore(filesystem).getTotalSpace()).isBetween(2 * GIB - (1 << 20), 2 * GIB + (1 << 20));
        try (var entries = Files.list(filesystem)) {
            assertThat(entries.map(path -> path.getFileName().toString()).toList()).containsExactlyInAnyOrder(KEY, "lost+found");
        }
        // the spare's mount and loop device moved with its directory: the kernel names them by the task's paths now
        assertThat(storage.loopDevices(TASK)).containsExactly(spareDevice);
        assertThat(Files.readString(Path.of("/sys/block", spareDevice.substring("/dev/".length()), "loop", "dio")).strip()).isEqualTo("1");
        // the one taken is made again off the task's start
        waitForSpares(spares, 2);
        // a task of another size makes its own
        storage.create("other-task", 1, List.of("other-task-app"));
        assertThat(Files.getFileStore(storage.mountPoint("other-task").orElseThrow()).getTotalSpace()).isLessThan(GIB + (1 << 20));
        assertThat(spares.ready()).hasSize(2);
        // spares are not tasks: the orphan cleanup never sees them
        assertThat(storage.taskIds()).containsExactlyInAnyOrder(TASK, "other-task");

        // the task's storage goes whole, though the spare's filesystem was mounted under another name
        storage.remove(TASK);
        assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
        assertThat(LoopDeviceTaskStorage.loopDevicesOf(directory.resolve("storage").resolve(TASK).resolve(LoopDeviceTaskStorage.IMAGE))).isEmpty();
        assertThat(mountTable.mountPointsUnder(directory.resolve("storage").resolve(TASK))).isEmpty();
    }

    @Test
    void aStoppedAgentLeavesItsSparesUnmountedAndTheNextMountsThemAgainWithoutMkfs()
            throws Exception
    {
        SpareImages spares = storageWithTwoSpares();
        List<Path> images = new java.util.ArrayList<>();
        for (Path spare : spares.ready()) {
            images.add(spare.resolve(LoopDeviceTaskStorage.IMAGE));
        }

        storage.closeSpares();

        assertThat(mountTable.mountPointsUnder(directory)).isEmpty();
        for (Path image : images) {
            assertThat(LoopDeviceTaskStorage.loopDevicesOf(image)).isEmpty();
        }
        assertThat(spares.ready()).isEmpty();
        assertThat(spares.unmounted()).hasSize(2);

        // the next agent: a mkfs that fails shows that it formats nothing, and its tasks get the images mounted again
        Path failingMkfs = script("mkfs.ext4", "#!/bin/sh\nexit 1\n");
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"), mountTable,
                new LoopDeviceTaskStorage.Commands(failingMkfs.toString(), "losetup", "mount", "umount", Duration.ofSeconds(30), true)).withSpareImages(2, 2);
        waitForSpares(spares, 2);
        assertThat(spares.unmounted()).isEmpty();
        storage.create(TASK, 2, List.of(KEY));
        assertThat(Files.getFileStore(storage.mountPoint(TASK).orElseThrow()).type()).isEqualTo("ext4");
        storage.remove(TASK);
    }

    /** The storage with two spares of 2 GiB made ahead, once both are ready; returns a view of its spares. */
    private SpareImages storageWithTwoSpares()
            throws Exception
    {
        storage = new LoopDeviceTaskStorage(directory.resolve("storage")).withSpareImages(2, 2);
        SpareImages spares = sparesOf(2);
        waitForSpares(spares, 2);
        return spares;
    }

    private SpareImages sparesOf(int sizeGiB)
    {
        // a view of the storage's spares, for their count: it never makes one itself
        return new SpareImages(directory.resolve("storage").resolve(LoopDeviceTaskStorage.SPARES), sizeGiB, 2, new SpareImages.Filesystems()
        {
            @Override
            public void format(Path image, int size) {}

            @Override
            public void mount(Path image, Path mountPoint) {}

            @Override
            public void unmount(Path image, Path mountPoint) {}

            @Override
            public boolean isMounted(Path mountPoint)
            {
                return true;
            }
        });
    }

    private static void waitForSpares(SpareImages spares, int count)
            throws Exception
    {
        for (int i = 0; i < 300 && spares.ready().size() < count; i++) {
            Thread.sleep(100);
        }
        assertThat(spares.ready()).hasSize(count);
    }

    @Test
    void writingPastTheSizeFailsWithNoSpaceInsideTheTaskOnly()
            throws Exception
    {
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"));
        storage.create(TASK, 1, List.of(KEY));
        Path file = storage.directoryFor(KEY).resolve("fill");

        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=1100").redirectErrorStream(true).start();
        assertThat(dd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(dd.getInputStream().readAllBytes());

        assertThat(dd.exitValue()).isNotZero();
        assertThat(output).contains("No space left on device");
        assertThat(Files.size(file)).isBetween(GIB - (64L << 20), GIB);
        // the host's own filesystem still takes writes
        Files.writeString(directory.resolve("host-file"), "still writable");
        assertThat(Files.readString(directory.resolve("host-file"))).isEqualTo("still writable");
    }

    @Test
    void aRestartedAgentKeepsTheMountedStorageAndItsFiles()
            throws IOException
    {
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"));
        storage.create(TASK, 21, List.of(KEY));
        Files.writeString(storage.directoryFor(KEY).resolve("kept"), "data");
        List<String> devices = storage.loopDevices(TASK);

        LoopDeviceTaskStorage restarted = new LoopDeviceTaskStorage(directory.resolve("storage"));
        assertThat(restarted.taskIds()).containsExactly(TASK);
        restarted.create(TASK, 21, List.of(KEY, TASK + "-sidecar"));

        assertThat(Files.readString(restarted.directoryFor(KEY).resolve("kept"))).isEqualTo("data");
        assertThat(restarted.directoryFor(TASK + "-sidecar")).isDirectory();
        assertThat(restarted.loopDevices(TASK)).isEqualTo(devices);
    }

    @Test
    void aFailingMkfsSaysWhatFailedAndLeavesNothing()
            throws IOException
    {
        Path mkfs = script("mkfs", "#!/bin/sh\necho 'mkfs.ext4: Device size reported to be zero.' >&2\nexit 1\n");
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"), mountTable,
                new LoopDeviceTaskStorage.Commands(mkfs.toString(), "losetup", "mount", "umount", Duration.ofSeconds(30)));

        assertThatThrownBy(() -> storage.create(TASK, 21, List.of(KEY)))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot make the filesystem: " + mkfs + " exited with 1: mkfs.ext4: Device size reported to be zero.");
        assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
        assertThat(storage.loopDevices(TASK)).isEmpty();
    }

    @Test
    void aFailingMountDetachesTheLoopDeviceAndLeavesNothing()
            throws IOException
    {
        Path mount = script("mount", "#!/bin/sh\necho \"mount: $4: wrong fs type, bad option, bad superblock on $3\" >&2\nexit 32\n");
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"), mountTable,
                new LoopDeviceTaskStorage.Commands("mkfs.ext4", "losetup", mount.toString(), "umount", Duration.ofSeconds(30)));

        assertThatThrownBy(() -> storage.create(TASK, 21, List.of(KEY)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot mount the filesystem: " + mount + " exited with 32: mount: ")
                .hasMessageContaining("wrong fs type");
        assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
        assertThat(storage.loopDevices(TASK)).isEmpty();
        assertThat(mountTable.mountPointsUnder(directory)).isEmpty();
    }

    @Test
    void aHangingMkfsIsKilledAtItsDeadline()
            throws IOException
    {
        Path mkfs = script("mkfs", "#!/bin/sh\nexec sleep 60\n");
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"), mountTable,
                new LoopDeviceTaskStorage.Commands(mkfs.toString(), "losetup", "mount", "umount", Duration.ofMillis(500)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> storage.create(TASK, 21, List.of(KEY)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot make the filesystem: ")
                .hasMessageContaining("did not finish within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
    }

    @Test
    void aBusyFilesystemIsUnmountedLazilyAndItsLoopDeviceGoesWhenLetGo()
            throws Exception
    {
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"));
        storage.create(TASK, 21, List.of(KEY));
        Path held = storage.directoryFor(KEY).resolve("held");
        Files.writeString(held, "open");
        List<String> devices = storage.loopDevices(TASK);
        Process holder = new ProcessBuilder("sh", "-c", "exec sleep 60 3<" + held).start();
        try {
            Thread.sleep(200);
            storage.remove(TASK);

            assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
            assertThat(mountTable.mountPointsUnder(directory)).isEmpty();
        }
        finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // let go: the kernel finishes the unmount and the detach (autoclear) on its own
        Path loop = Path.of("/sys/block").resolve(devices.getFirst().substring("/dev/".length())).resolve("loop");
        for (int i = 0; i < 100 && Files.exists(loop); i++) {
            Thread.sleep(50);
        }
        assertThat(storage.loopDevices(TASK)).isEmpty();
    }

    @Test
    void withKernelCallsNoLosetupMountOrUmountRunsAndTheDeviceUsesDirectIo()
            throws Exception
    {
        // each stand-in writes down that it ran, and fails: the storage is made and removed without any of them
        Path ran = directory.resolve("ran");
        Path losetup = script("losetup", "#!/bin/sh\necho losetup >> " + ran + "\nexit 1\n");
        Path mount = script("mount", "#!/bin/sh\necho mount >> " + ran + "\nexit 32\n");
        Path umount = script("umount", "#!/bin/sh\necho umount >> " + ran + "\nexit 32\n");
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"), mountTable,
                new LoopDeviceTaskStorage.Commands("mkfs.ext4", losetup.toString(), mount.toString(), umount.toString(), Duration.ofSeconds(30), true));

        storage.create(TASK, 3, List.of(KEY));

        Path filesystem = storage.mountPoint(TASK).orElseThrow();
        assertThat(Files.getFileStore(filesystem).type()).isEqualTo("ext4");
        Files.writeString(storage.directoryFor(KEY).resolve("file"), "written");
        String device = storage.loopDevices(TASK).getFirst();
        Path loop = Path.of("/sys/block").resolve(device.substring("/dev/".length())).resolve("loop");
        assertThat(Files.readString(loop.resolve("backing_file")).strip()).isEqualTo(directory.resolve("storage").resolve(TASK).resolve("disk.img").toString());
        assertThat(Files.readString(loop.resolve("dio")).strip()).isEqualTo("1");

        storage.remove(TASK);

        assertThat(directory.resolve("storage").resolve(TASK)).doesNotExist();
        assertThat(mountTable.mountPointsUnder(directory)).isEmpty();
        assertThat(Files.exists(loop)).isFalse();
        assertThat(ran).doesNotExist();
    }

    @Test
    void concurrentStartsEachGetALoopDeviceOfTheirOwn()
            throws Exception
    {
        storage = new LoopDeviceTaskStorage(directory.resolve("storage"));
        List<String> tasks = java.util.stream.IntStream.range(0, 8).mapToObj(index -> "%032x".formatted(index + 1)).toList();
        try (var starts = java.util.concurrent.Executors.newFixedThreadPool(tasks.size())) {
            List<java.util.concurrent.Future<Void>> made = tasks.stream().map(task -> starts.submit(() -> {
                storage.create(task, 1, List.of(task + "-app"));
                return (Void) null;
            })).toList();
            for (var future : made) {
                future.get(120, TimeUnit.SECONDS);
            }
        }

        List<String> devices = new java.util.ArrayList<>();
        for (String task : tasks) {
            assertThat(storage.mountPoint(task)).isPresent();
            devices.addAll(storage.loopDevices(task));
        }
        assertThat(devices).hasSize(tasks.size()).doesNotHaveDuplicates();
        for (String task : tasks) {
            storage.remove(task);
        }
        assertThat(mountTable.mountPointsUnder(directory)).isEmpty();
        for (String task : tasks) {
            assertThat(storage.loopDevices(task)).isEmpty();
        }
    }

    @Test
    void imageSizeAddsWhatExt4SpendsOnMetadata()
    {
        // per 128 MiB block group: 514 blocks of bitmaps and inode table
        assertThat(LoopDeviceTaskStorage.imageBytes(1)).isEqualTo(Math.ceilDiv(262_144L * 32_768, 32_768 - 514) * 4096);
        assertThat(LoopDeviceTaskStorage.imageBytes(20)).isGreaterThan(20 * GIB).isLessThan(20 * GIB + 20 * GIB / 50);
        assertThat(LoopDeviceTaskStorage.imageBytes(200) % 4096).isZero();
    }

    private Path script(String name, String text)
            throws IOException
    {
        Path file = directory.resolve("bin").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static long allocatedBytes(Path file)
            throws Exception
    {
        // st_blocks, in 512-byte units
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
        assertThat(stat.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Long.parseLong(new String(stat.getInputStream().readAllBytes()).strip()) * 512;
    }
}
