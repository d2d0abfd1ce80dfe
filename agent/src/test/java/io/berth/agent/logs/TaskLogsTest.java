package io.berth.agent.logs;

import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class TaskLogsTest
{
    @TempDir
    Path directory;

    @Test
    void aTaskMayStillWriteUntilEveryContainerHasExitedThoughItIsNotStoppedYet()
    {
        assertThat(TaskLogs.mayStillWrite(task(Status.PENDING, Status.PENDING, Status.PENDING))).isTrue();
        assertThat(TaskLogs.mayStillWrite(task(Status.RUNNING, Status.STOPPED, Status.RUNNING))).isTrue();
        // a dependent container that has not started yet may still write
        assertThat(TaskLogs.mayStillWrite(task(Status.RUNNING, Status.STOPPED, Status.PENDING))).isTrue();
        // every container has exited: the task is being cleaned up, its log is whole
        assertThat(TaskLogs.mayStillWrite(task(Status.STOPPING, Status.STOPPED, Status.STOPPED))).isFalse();
        assertThat(TaskLogs.mayStillWrite(task(Status.STOPPED, Status.STOPPED, Status.STOPPED))).isFalse();
    }

    @Test
    void aWaitingReadAnswersAtTheFirstLineWrittenWhileItWaits()
            throws Exception
    {
        TaskLogs logs = new TaskLogs(directory, taskId -> true);
        Files.createDirectories(directory.resolve("task-1"));
        Path file = directory.resolve("task-1/main.log");
        Files.writeString(file, "");
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
                Files.writeString(file, "2024-01-01T00:00:00Z stdout F late\n");
            }
            catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });

        long start = System.nanoTime();
        LogChunk chunk = logs.read("task-1", null, 100, Duration.ofSeconds(20)).orElseThrow();
        writer.join();

        assertThat(chunk.lines()).extracting(LogLine::text).containsExactly("late");
        assertThat(chunk.complete()).isFalse();
        // well before its wait was over
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aWaitingReadAnswersOnceAChangeMadeTheLogWholeAndAfterItsWaitWithNothing()
            throws Exception
    {
        AtomicBoolean running = new AtomicBoolean(true);
        TaskLogs logs = new TaskLogs(directory, taskId -> running.get());
        Files.createDirectories(directory.resolve("task-1"));
        Files.writeString(directory.resolve("task-1/main.log"), "2024-01-01T00:00:00Z stdout F one\n");
        String token = logs.read("task-1", null, 100).orElseThrow().nextToken();

        // nothing new and the container still runs: empty once the wait is over
        LogChunk nothing = logs.read("task-1", token, 100, Duration.ofMillis(150)).orElseThrow();
        assertThat(nothing.lines()).isEmpty();
        assertThat(nothing.complete()).isFalse();

        // the container exits (after the read began to look less often): the change wakes the read at once
        Thread exit = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            }
            catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            running.set(false);
            logs.changed();
        });
        long start = System.nanoTime();
        LogChunk whole = logs.read("task-1", token, 100, Duration.ofSeconds(20)).orElseThrow();
        exit.join();

        assertThat(whole.lines()).isEmpty();
        assertThat(whole.complete()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        // a task the host knows nothing of (yet) is waited for, and still unknown once the wait is over
        assertThat(logs.read("unknown", null, 100, Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void aPageIsCompleteOnlyOnceNothingMoreMayBeWrittenAndEveryLineIsRead()
            throws IOException
    {
        Map<String, Boolean> mayStillWrite = new HashMap<>(Map.of("task-1", true));
        TaskLogs logs = new TaskLogs(directory, mayStillWrite::get);
        Files.createDirectories(directory.resolve("task-1"));
        Files.writeString(directory.resolve("task-1/main.log"), "2024-01-01T00:00:00Z stdout F one\n2024-01-01T00:00:01Z stdout F two\n");

        LogChunk whileRunning = logs.read("task-1", null, 100).orElseThrow();
        assertThat(whileRunning.lines()).extracting(LogLine::text).containsExactly("one", "two");
        assertThat(whileRunning.complete()).isFalse();

        mayStillWrite.put("task-1", false);
        LogChunk firstPage = logs.read("task-1", whileRunning.nextToken(), 100).orElseThrow();
        assertThat(firstPage.lines()).isEmpty();
        assertThat(firstPage.complete()).isTrue();

        // a page cut short by its limit is not the end, though nothing more will be written
        LogChunk limited = logs.read("task-1", null, 1).orElseThrow();
        assertThat(limited.lines()).extracting(LogLine::text).containsExactly("one");
        assertThat(limited.complete()).isFalse();
    }

    private static TaskReport task(Status status, Status main, Status sidecar)
    {
        return new TaskReport("task-1", status, null, null, null, null, null, null,
                List.of(new ContainerReport("main", main, null, null, null), new ContainerReport("sidecar", sidecar, null, null, null)));
    }
}
