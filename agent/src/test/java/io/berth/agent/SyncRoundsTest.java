package io.berth.agent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SyncRoundsTest
{
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SyncRounds rounds = new SyncRounds(Duration.ofMillis(150), now::get);

    @Test
    void stepsWaitAtMostTheDelayFromTheFirstOfThemAndASyncTakesThemAll()
    {
        assertThat(rounds.nanosUntilStepsDue()).isEqualTo(Long.MAX_VALUE);

        rounds.stepChanged();
        now.addAndGet(Duration.ofMillis(100).toNanos());
        // a later step does not put the first one off
        rounds.stepChanged();
        assertThat(rounds.nanosUntilStepsDue()).isEqualTo(Duration.ofMillis(50).toNanos());
        now.addAndGet(Duration.ofMillis(60).toNanos());
        assertThat(rounds.nanosUntilStepsDue()).isNegative();

        rounds.syncBegins();
        assertThat(rounds.nanosUntilStepsDue()).isEqualTo(Long.MAX_VALUE);
        // a step during the sync waits for the next one
        rounds.stepChanged();
        assertThat(rounds.nanosUntilStepsDue()).isEqualTo(Duration.ofMillis(150).toNanos());
    }

    @Test
    void aWakeUpWaitsForASyncThatBeganAfterItNotForTheOneUnderWay()
            throws Exception
    {
        rounds.syncBegins();
        long begun = rounds.begunSoFar();
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return rounds.awaitSyncAfter(begun, Duration.ofSeconds(10));
            }
            catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // the sync under way when the wake-up came may have begun at the control plane before the change
        rounds.syncEnded();
        Thread.sleep(100);
        assertThat(waited).isNotDone();

        rounds.syncBegins();
        rounds.syncEnded();
        assertThat(waited.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWakeUpWhoseSyncDoesNotComeStopsWaitingAtItsTimeout()
            throws Exception
    {
        assertThat(rounds.awaitSyncAfter(rounds.begunSoFar(), Duration.ofMillis(50))).isFalse();
    }
}
