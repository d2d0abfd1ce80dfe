package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * RunTask-to-RUNNING through Berth's ECS API with the image cached: send RunTask, poll DescribeTasks until
 * it says RUNNING; then StopTask and wait for STOPPED before the next start, so every start finds the host
 * as idle as the raw runc baseline does and at most one benchmark task exists at a time.
 */
final class BerthSequentialStarts
        implements StartSeries
{
    static final String RUN_TO_RUNNING = "Berth: RunTask -> RUNNING (sequential)";
    static final String RUN_TASK_CALL = "Berth: RunTask call returns";
    static final String STOP_TO_STOPPED = "Berth: StopTask -> STOPPED (sequential)";
    static final String DESCRIBE_CALL = "Berth: DescribeTasks round trip";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final BerthUnderTest berth;
    private final TaskObserver observer;
    private final List<Duration> toRunning = new ArrayList<>();
    private final List<Duration> runTaskCalls = new ArrayList<>();
    private final List<Duration> toStopped = new ArrayList<>();
    private final StartBreakdown breakdown = new StartBreakdown();

    BerthSequentialStarts(BerthUnderTest berth, Duration pollInterval)
    {
        this.berth = requireNonNull(berth, "berth is null");
        this.observer = new TaskObserver(berth.ecs(), pollInterval);
    }

    @Override
    public void startOnce(int round, boolean measured)
            throws IOException, InterruptedException
    {
        EcsClient ecs = berth.ecs();
        Instant sentAt = Instant.now();
        long sent = System.nanoTime();
        RunTaskResponse response = ecs.runTask(request -> request.cluster(BerthUnderTest.CLUSTER).taskDefinition(berth.taskDefinitionArn()).count(1));
        long returned = System.nanoTime();
        if (!response.failures().isEmpty() || response.tasks().size() != 1) {
            throw new IOException("RunTask failed: " + response.failures());
        }
        String taskArn = response.tasks().get(0).taskArn();
        TaskObserver.Observation running = observer.awaitStatus(List.of(taskArn), "RUNNING", TIMEOUT).get(taskArn);

        long stopSent = System.nanoTime();
        ecs.stopTask(request -> request.cluster(BerthUnderTest.CLUSTER).task(taskArn).reason("benchmark"));
        TaskObserver.Observation stopped = observer.awaitStatus(List.of(taskArn), "STOPPED", TIMEOUT).get(taskArn);
        if (measured) {
            toRunning.add(Duration.ofNanos(running.seenNanos() - sent));
            runTaskCalls.add(Duration.ofNanos(returned - sent));
            toStopped.add(Duration.ofNanos(stopped.seenNanos() - stopSent));
            breakdown.add(sentAt, running.task(), running.seenAt());
        }
    }

    @Override
    public List<Measurement> measurements()
    {
        return List.of(
                Measurement.of(RUN_TO_RUNNING, toRunning),
                Measurement.of(RUN_TASK_CALL, runTaskCalls),
                Measurement.of(STOP_TO_STOPPED, toStopped),
                Measurement.of(DESCRIBE_CALL, observer.describeRoundTrips()));
    }

    List<Measurement> breakdown()
    {
        return breakdown.measurements();
    }
}
