package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.model.Task;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One measured start: the client's wall clock at RunTask, the task as first seen RUNNING, and when that was. */
record StartSample(Instant sentAt, Task running, Instant seenAt)
{
    StartSample
    {
        requireNonNull(sentAt, "sentAt is null");
        requireNonNull(running, "running is null");
        requireNonNull(seenAt, "seenAt is null");
    }

    String taskId()
    {
        return running.taskArn().substring(running.taskArn().lastIndexOf('/') + 1);
    }
}
