package io.berth.controlplane.store;

import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TaskBodyCacheTest
{
    private final TaskBodyCache cache = new TaskBodyCache();
    private final AtomicInteger decoded = new AtomicInteger();

    @Test
    void aRowOfTheVersionReadBeforeIsNeitherDecodedNorParsedAgain()
            throws Exception
    {
        Task first = task("t1", 1, TaskStatus.PENDING);
        assertThat(cache.task("t1", 1, body(first))).isEqualTo(first);
        assertThat(cache.task("t1", 1, body(first))).isSameAs(cache.task("t1", 1, body(first)));
        assertThat(decoded).hasValue(1);
    }

    @Test
    void aNewerVersionIsReadFromItsBody()
            throws Exception
    {
        cache.task("t1", 1, body(task("t1", 1, TaskStatus.PENDING)));
        Task running = task("t1", 2, TaskStatus.RUNNING);
        assertThat(cache.task("t1", 2, body(running))).isEqualTo(running);
        assertThat(cache.task("t1", 2, body(running)).state().lastStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(decoded).hasValue(2);
    }

    @Test
    void aTaskACommitWroteIsServedWithoutDecodingAndAnOlderOneDoesNotReplaceIt()
            throws Exception
    {
        Task running = task("t1", 2, TaskStatus.RUNNING);
        cache.committed(running);
        assertThat(cache.task("t1", 2, body(running))).isSameAs(running);
        // a commit seen late (an older version) leaves the later one cached
        cache.committed(task("t1", 1, TaskStatus.PENDING));
        assertThat(cache.cached("t1", 2)).isSameAs(running);
        assertThat(cache.cached("t1", 1)).isNull();
        assertThat(decoded).hasValue(0);
    }

    @Test
    void itStartsAfreshPastItsBound()
            throws Exception
    {
        for (int i = 0; i <= TaskBodyCache.MAX_TASKS; i++) {
            String taskId = "t" + i;
            cache.task(taskId, 1, () -> JsonBodies.write(task(taskId, 1, TaskStatus.RUNNING)));
        }
        // the first was dropped with the rest when the cache was full
        cache.task("t0", 1, body(task("t0", 1, TaskStatus.RUNNING)));
        assertThat(decoded).hasValue(1);
    }

    private TaskBodyCache.Body body(Task task)
    {
        return () -> {
            decoded.incrementAndGet();
            return JsonBodies.write(task);
        };
    }

    private static Task task(String taskId, long version, TaskStatus status)
    {
        TaskState state = new TaskState(status, TaskStatus.RUNNING, "host-1", null, null, null, null, null, null, null, null, List.of(), version, null);
        return new Task("123456789012", taskId, "arn:aws:ecs:us-east-1:123456789012:task/default/" + taskId, "default",
                "arn:aws:ecs:us-east-1:123456789012:cluster/default", "arn:td", "family", 256, 512, TaskOverrides.NONE, null, null,
                "FARGATE", "1.4.0", "us-east-1a", Map.of(), Instant.EPOCH, state, PlacementOptions.NONE);
    }
}
