package io.berth.agent.userns;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deadline on a kernel call made on a thread of its own (a network namespace's making, a mount, a loop device), with
 * a step that hangs as a kernel call might: the caller fails at the deadline, and what the step makes once it finishes
 * is undone.
 */
class ThreadStepDeadlineTest
{
    @Test
    void aStepPastItsDeadlineFailsTheCallerAndIsUndoneWhenItFinishesAfterAll()
            throws Exception
    {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch undone = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        List<String> undoneThings = new CopyOnWriteArrayList<>();

        long start = System.nanoTime();
        assertThatThrownBy(() -> LinuxSyscalls.onThreadOfItsOwn("test-step", "the test step", Duration.ofMillis(200),
                () -> {
                    awaitQuietly(release);
                    made.incrementAndGet();
                    return "/dev/loop7";
                },
                thing -> {
                    made.decrementAndGet();
                    undoneThings.add(thing);
                    undone.countDown();
                }))
                .isInstanceOf(IOException.class)
                .hasMessage("the test step did not finish within 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        release.countDown();
        assertThat(undone.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(made.get()).isZero();
        // the undo gets what the late step made (the device it bound, the path it mounted)
        assertThat(undoneThings).containsExactly("/dev/loop7");
    }

    @Test
    void aStepWithinItsDeadlineIsKeptAndItsFailureIsTheCallers()
            throws Exception
    {
        AtomicInteger undone = new AtomicInteger();
        String made = LinuxSyscalls.onThreadOfItsOwn("test-step", "the test step", Duration.ofSeconds(10), () -> "/mnt/x", thing -> undone.incrementAndGet());
        assertThat(made).isEqualTo("/mnt/x");
        assertThat(undone.get()).isZero();

        assertThatThrownBy(() -> LinuxSyscalls.onThreadOfItsOwn("test-step", "the test step", Duration.ofSeconds(10),
                () -> {
                    throw new IOException("mount refused");
                },
                thing -> undone.incrementAndGet()))
                .isInstanceOf(IOException.class)
                .hasMessage("mount refused");
        assertThat(undone.get()).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch)
    {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
