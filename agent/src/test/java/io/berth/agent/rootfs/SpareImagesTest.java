package io.berth.agent.rootfs;

import io.berth.agent.process.TaskTransitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.berth.agent.rootfs.LoopDeviceTaskStorage.IMAGE;
import static io.berth.agent.rootfs.LoopDeviceTaskStorage.MOUNT_POINT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spares' bookkeeping with filesystems that write marker files ({@link MarkedFilesystems}); real mkfs, loop
 * devices and mounts are in LoopDeviceTaskStorageIntegrationTest.
 */
class SpareImagesTest
{
    @TempDir
    Path directory;

    @Test
    void aSpareIsHandedOutOnceMountedAndMadeAgain()
            throws Exception
    {
        MarkedFilesystems filesystems = new MarkedFilesystems();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, filesystems);
        spares.refill();
        awaitReady(spares, 2);

        Path first = directory.resolve("task-1");
        Path second = directory.resolve("task-2");
        assertThat(spares.takeInto(20, first)).isTrue();
        assertThat(spares.takeInto(20, second)).isTrue();
        // each task got a filesystem of its own, mounted, with its image beside it as a task's storage has them
        assertThat(filesystems.isMounted(first.resolve(MOUNT_POINT))).isTrue();
        assertThat(filesystems.isMounted(second.resolve(MOUNT_POINT))).isTrue();
        assertThat(Files.readString(first.resolve(IMAGE))).isNotEqualTo(Files.readString(second.resolve(IMAGE)));
        assertThat(spares.takeInto(21, directory.resolve("other-size"))).isFalse();
        assertThat(directory.resolve("other-size")).doesNotExist();
        awaitReady(spares, 2);
        assertThat(filesystems.formatted.get()).isEqualTo(4);
        spares.close(Duration.ofSeconds(5));
    }

    @Test
    void aSpareTakenWhileTheFillerIsEndingIsMadeAgain()
            throws Exception
    {
        // the filler's last look finds the pool full; a take between that look and its end must still get a refill
        MarkedFilesystems filesystems = new MarkedFilesystems();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 1, filesystems);
        spares.refill();
        for (int i = 0; i < 500; i++) {
            // taken the moment it is there, as close to the filler's last look as this test can come
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!spares.takeInto(20, directory.resolve("task-" + i))) {
                assertThat(System.nanoTime()).as("spare %d made within 5 s", i).isLessThan(deadline);
            }
        }
        awaitReady(spares, 1);
        assertThat(filesystems.formatted.get()).isEqualTo(501);
        spares.close(Duration.ofSeconds(5));
    }

    @Test
    void aSpareIsMadeOnceTheTaskStartingIsDone()
            throws Exception
    {
        MarkedFilesystems filesystems = new MarkedFilesystems();
        TaskTransitions transitions = new TaskTransitions();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 1, filesystems, transitions);
        spares.refill();
        awaitReady(spares, 1);

        TaskTransitions.Transition start = transitions.begin();
        assertThat(spares.takeInto(20, directory.resolve("task"))).isTrue();
        // mkfs beside the start would slow it: the next spare waits (at most DEFER_AT_MOST, 3 s)
        Thread.sleep(500);
        assertThat(filesystems.formatted.get()).isEqualTo(1);

        start.close();
        awaitReady(spares, 1);
        assertThat(filesystems.formatted.get()).isEqualTo(2);
        spares.close(Duration.ofSeconds(5));
    }

    @Test
    void aClosedPoolMakesNoMoreAndWritesNothingAfterClose()
            throws Exception
    {
        MarkedFilesystems filesystems = new MarkedFilesystems();
        TaskTransitions transitions = new TaskTransitions();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, filesystems, transitions);
        // a task starting holds the refill back: close finds it waiting and ends it
        TaskTransitions.Transition start = transitions.begin();
        spares.refill();
        Thread.sleep(200);

        spares.close(Duration.ofSeconds(5));
        start.close();
        Thread.sleep(TaskTransitions.SETTLE.toMillis() + 500);

        assertThat(filesystems.formatted.get()).isZero();
        assertThat(spares.ready()).isEmpty();
        spares.refill();
        Thread.sleep(200);
        assertThat(filesystems.formatted.get()).isZero();
    }

    @Test
    void aClosedPoolUnmountsItsSparesAndTheNextMountsTheirImagesWithoutFormattingAgain()
            throws Exception
    {
        MarkedFilesystems filesystems = new MarkedFilesystems();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, filesystems);
        spares.refill();
        awaitReady(spares, 2);

        spares.close(Duration.ofSeconds(5));
        // a stopped agent leaves no mount: its spares are formatted images again
        assertThat(MarkedFilesystems.mountedUnder(directory)).isEmpty();
        assertThat(spares.ready()).isEmpty();
        assertThat(spares.unmounted()).hasSize(2);

        SpareImages next = new SpareImages(directory.resolve("spare"), 20, 2, filesystems);
        next.refill();
        awaitReady(next, 2);
        assertThat(next.unmounted()).isEmpty();
        assertThat(filesystems.formatted.get()).as("the next agent mounts the images it found").isEqualTo(2);
        next.close(Duration.ofSeconds(5));
    }

    @Test
    void whatACrashOrAHostRestartLeftIsTidiedAndWhatIsStillMountedIsUsedAsItIs()
            throws Exception
    {
        MarkedFilesystems filesystems = new MarkedFilesystems();
        Path spareDirectory = directory.resolve("spare");
        Files.createDirectories(spareDirectory);
        // an image half formatted, a mount half made, a spare the host's restart unmounted, a spare still mounted
        Files.writeString(spareDirectory.resolve("a.making"), "half formatted");
        Path mounting = spareDirectory.resolve("b.mounting");
        Files.createDirectories(mounting.resolve(MOUNT_POINT));
        Files.writeString(mounting.resolve(IMAGE), "image b");
        filesystems.mount(mounting.resolve(IMAGE), mounting.resolve(MOUNT_POINT));
        Path unmounted = spareDirectory.resolve("c.ready");
        Files.createDirectories(unmounted.resolve(MOUNT_POINT));
        Files.writeString(unmounted.resolve(IMAGE), "image c");
        Path stillMounted = spareDirectory.resolve("d.ready");
        Files.createDirectories(stillMounted.resolve(MOUNT_POINT));
        Files.writeString(stillMounted.resolve(IMAGE), "image d");
        filesystems.mount(stillMounted.resolve(IMAGE), stillMounted.resolve(MOUNT_POINT));

        SpareImages spares = new SpareImages(spareDirectory, 20, 2, filesystems);
        spares.refill();
        // the spare the restart unmounted is named ready until the filler's first look (ready and unmounted can both
        // count it then): wait for the pool to settle, its two ready spares mounted
        for (int i = 0; i < 250 && !settled(spares, mounting, directory); i++) {
            Thread.sleep(20);
        }
        awaitReady(spares, 2);

        assertThat(spareDirectory.resolve("a.making")).doesNotExist();
        assertThat(spareDirectory.resolve("b.mounting")).doesNotExist();
        assertThat(spares.ready()).contains(stillMounted);
        assertThat(spares.unmounted()).hasSize(1);
        assertThat(filesystems.formatted.get()).as("the images left were used, none formatted").isZero();
        assertThat(MarkedFilesystems.mountedUnder(directory)).hasSize(2);
        spares.close(Duration.ofSeconds(5));
        assertThat(MarkedFilesystems.mountedUnder(directory)).isEmpty();
    }

    @Test
    void aFormatterThatFailsLeavesNoSpareAndNothingHalfMade()
            throws Exception
    {
        AtomicInteger attempts = new AtomicInteger();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, new MarkedFilesystems()
        {
            @Override
            public void format(Path image, int sizeGiB)
                    throws IOException
            {
                attempts.incrementAndGet();
                Files.writeString(image, "half made");
                throw new IOException("injected mkfs failure");
            }
        });

        // no spare is ready: the task makes its own storage
        assertThat(spares.takeInto(20, directory.resolve("task"))).isFalse();
        for (int i = 0; i < 100 && attempts.get() == 0; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
        assertThat(spares.ready()).isEmpty();
        try (var files = Files.list(directory.resolve("spare"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(directory.resolve("task")).doesNotExist();
        spares.close(Duration.ofSeconds(5));
    }

    @Test
    void aMountThatFailsLeavesNoSpareAndNothingHalfMade()
            throws Exception
    {
        AtomicInteger attempts = new AtomicInteger();
        MarkedFilesystems filesystems = new MarkedFilesystems()
        {
            @Override
            public void mount(Path image, Path mountPoint)
                    throws IOException
            {
                attempts.incrementAndGet();
                throw new IOException("injected mount failure");
            }
        };
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, filesystems);
        spares.refill();
        for (int i = 0; i < 100 && attempts.get() == 0; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
        assertThat(spares.ready()).isEmpty();
        try (var files = Files.list(directory.resolve("spare"))) {
            assertThat(files.toList()).as("the image that would not mount is gone").isEmpty();
        }
        assertThat(spares.takeInto(20, directory.resolve("task"))).isFalse();
        spares.close(Duration.ofSeconds(5));
    }

    /** One image waits unmounted, two spares are ready and mounted, and nothing is half mounted; false while the filler moves things. */
    private static boolean settled(SpareImages spares, Path mounting, Path directory)
    {
        try {
            return spares.unmounted().size() == 1 && spares.ready().size() == 2 && !Files.exists(mounting)
                    && MarkedFilesystems.mountedUnder(directory).size() == 2;
        }
        catch (IOException | UncheckedIOException e) {
            // a directory renamed while it was listed
            return false;
        }
    }

    private static void awaitReady(SpareImages spares, int count)
            throws Exception
    {
        for (int i = 0; i < 250 && spares.ready().size() < count; i++) {
            Thread.sleep(20);
        }
        assertThat(spares.ready()).hasSize(count);
    }

    /** An image is a file naming its number; a mount, a mark in the mount point that moves with it. */
    private static class MarkedFilesystems
            implements SpareImages.Filesystems
    {
        static final String MARK = "mounted";

        final AtomicInteger formatted = new AtomicInteger();

        @Override
        public void format(Path image, int sizeGiB)
                throws IOException
        {
            Files.writeString(image, "image " + formatted.incrementAndGet());
        }

        @Override
        public void mount(Path image, Path mountPoint)
                throws IOException
        {
            Files.writeString(mountPoint.resolve(MARK), Files.readString(image));
        }

        @Override
        public void unmount(Path image, Path mountPoint)
                throws IOException
        {
            Files.deleteIfExists(mountPoint.resolve(MARK));
        }

        @Override
        public boolean isMounted(Path mountPoint)
        {
            // a spare taken moves with its mount, as the kernel's mount does
            return Files.exists(mountPoint.resolve(MARK));
        }

        /** The mount points marked at or below the directory. */
        static java.util.List<Path> mountedUnder(Path directory)
                throws IOException
        {
            try (var paths = Files.walk(directory)) {
                return paths.filter(path -> path.getFileName().toString().equals(MARK)).map(Path::getParent).toList();
            }
        }
    }
}
