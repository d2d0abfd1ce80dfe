package io.berth.agent.rootfs;

import io.berth.agent.process.TaskTransitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The spares' bookkeeping with a formatter that writes a marker file; real mkfs is in LoopDeviceTaskStorageIntegrationTest. */
class SpareImagesTest
{
    @TempDir
    Path directory;

    @Test
    void aSpareIsHandedOutOnceAndMadeAgain()
            throws Exception
    {
        AtomicInteger made = new AtomicInteger();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, (image, size) -> Files.writeString(image, "image " + made.incrementAndGet()));
        spares.refill();
        awaitReady(spares, 2);

        Path first = directory.resolve("task-1.img");
        Path second = directory.resolve("task-2.img");
        assertThat(spares.takeInto(20, first)).isTrue();
        assertThat(spares.takeInto(20, second)).isTrue();
        // each task got an image of its own
        assertThat(Files.readString(first)).isNotEqualTo(Files.readString(second));
        assertThat(spares.takeInto(21, directory.resolve("other-size.img"))).isFalse();
        awaitReady(spares, 2);
        assertThat(made.get()).isEqualTo(4);
    }

    @Test
    void aSpareTakenWhileTheFillerIsEndingIsMadeAgain()
            throws Exception
    {
        // the filler's last look finds the pool full; a take between that look and its end must still get a refill
        AtomicInteger made = new AtomicInteger();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 1, (image, size) -> Files.writeString(image, "image " + made.incrementAndGet()));
        spares.refill();
        for (int i = 0; i < 500; i++) {
            // taken the moment it is there, as close to the filler's last look as this test can come
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!spares.takeInto(20, directory.resolve("task-" + i + ".img"))) {
                assertThat(System.nanoTime()).as("spare %d made within 5 s", i).isLessThan(deadline);
            }
        }
        awaitReady(spares, 1);
        assertThat(made.get()).isEqualTo(501);
    }

    @Test
    void aSpareIsFormattedOnceTheTaskStartingIsDone()
            throws Exception
    {
        AtomicInteger made = new AtomicInteger();
        TaskTransitions transitions = new TaskTransitions();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 1, (image, size) -> Files.writeString(image, "image " + made.incrementAndGet()), transitions);
        spares.refill();
        awaitReady(spares, 1);

        TaskTransitions.Transition start = transitions.begin();
        assertThat(spares.takeInto(20, directory.resolve("task.img"))).isTrue();
        // mkfs beside the start would slow it: the next spare waits (at most DEFER_AT_MOST, 3 s)
        Thread.sleep(500);
        assertThat(made.get()).isEqualTo(1);

        start.close();
        awaitReady(spares, 1);
        assertThat(made.get()).isEqualTo(2);
    }

    @Test
    void aClosedPoolMakesNoMoreAndWritesNothingAfterClose()
            throws Exception
    {
        AtomicInteger made = new AtomicInteger();
        TaskTransitions transitions = new TaskTransitions();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, (image, size) -> Files.writeString(image, "image " + made.incrementAndGet()), transitions);
        // a task starting holds the refill back: close finds it waiting and ends it
        TaskTransitions.Transition start = transitions.begin();
        spares.refill();
        Thread.sleep(200);

        spares.close(java.time.Duration.ofSeconds(5));
        start.close();
        Thread.sleep(TaskTransitions.SETTLE.toMillis() + 500);

        assertThat(made.get()).isZero();
        assertThat(spares.ready()).isEmpty();
        spares.refill();
        Thread.sleep(200);
        assertThat(made.get()).isZero();
    }

    @Test
    void aFormatterThatFailsLeavesNoSpareAndNothingHalfMade()
            throws Exception
    {
        AtomicInteger attempts = new AtomicInteger();
        SpareImages spares = new SpareImages(directory.resolve("spare"), 20, 2, (image, size) -> {
            attempts.incrementAndGet();
            Files.writeString(image, "half made");
            throw new IOException("injected mkfs failure");
        });

        // no spare is ready: the task formats its own image
        assertThat(spares.takeInto(20, directory.resolve("task.img"))).isFalse();
        for (int i = 0; i < 100 && attempts.get() == 0; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(100);
        assertThat(spares.ready()).isEmpty();
        try (var files = Files.list(directory.resolve("spare"))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(directory.resolve("task.img")).doesNotExist();
    }

    private static void awaitReady(SpareImages spares, int count)
            throws Exception
    {
        for (int i = 0; i < 250 && spares.ready().size() < count; i++) {
            Thread.sleep(20);
        }
        assertThat(spares.ready()).hasSize(count);
    }
}
