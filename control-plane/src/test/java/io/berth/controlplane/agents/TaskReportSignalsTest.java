package io.berth.controlplane.agents;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TaskReportSignalsTest
{
    private static final Duration NO_WAIT = Duration.ZERO;
    private static final Duration LONG = Duration.ofSeconds(30);

    private final TaskReportSignals signals = new TaskReportSignals();

    @Test
    void aReportOfTheWatchedTaskWakesItsWaitAndOnlyOnce()
            throws Exception
    {
        try (TaskReportSignals.Watch watch = signals.watch("task-1")) {
            CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> awaitQuietly(watch, LONG));
            // the waiter may or may not be waiting yet: a report before its wait is not lost either
            signals.reported(List.of("task-0", "task-1"));
            assertThat(woken.get(20, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.await(NO_WAIT)).isFalse();
        }
    }

    @Test
    void aReportRecordedBetweenTheWatchAndTheWaitIsNotLost()
            throws Exception
    {
        try (TaskReportSignals.Watch watch = signals.watch("task-1")) {
            signals.reported(List.of("task-1"));
            assertThat(watch.await(LONG)).isTrue();
        }
    }

    @Test
    void reportsOfOtherTasksAndReportsBeforeTheWatchWakeNobody()
            throws Exception
    {
        signals.reported(List.of("task-1"));
        try (TaskReportSignals.Watch watch = signals.watch("task-1")) {
            signals.reported(List.of("task-2"));
            assertThat(watch.await(NO_WAIT)).isFalse();
        }
    }

    @Test
    void aTaskIsForgottenWhenItsLastWatchCloses()
    {
        TaskReportSignals.Watch first = signals.watch("task-1");
        TaskReportSignals.Watch second = signals.watch("task-1");
        first.close();
        assertThat(signals.watchedTasks()).isEqualTo(1);
        second.close();
        assertThat(signals.watchedTasks()).isZero();
    }

    private static boolean awaitQuietly(TaskReportSignals.Watch watch, Duration timeout)
    {
        try {
            return watch.await(timeout);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
