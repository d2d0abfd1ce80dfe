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
 * RunTask-to-RUNNING with the image cached, one task at a time: send RunTask, poll DescribeTasks until it
 * says RUNNING, then StopTask and wait for STOPPED before the next, so every start finds the host idle (as
 * the raw runc baseline does) and at most one benchmark task exists at a time.
 */
final class SequentialStartBenchmark
{
    static final String RUN_TO_RUNNING = "Berth: RunTask -> RUNNING (sequential)";
    static final String RUN_TASK_CALL = "Berth: RunTask call returns";
    static final String STOP_TO_STOPPED = "Berth: StopTask -> STOPPED (sequential)";
    static final String DESCRIBE_CALL = "Berth: DescribeTasks round trip";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Result(List<Measurement> measurements, List<Measurement> breakdown) {}

    private final BerthUnderTest berth;
    private final int iterations;
    private final int warmups;
    private final Duration pollInterval;

    SequentialStartBenchmark(BerthUnderTest berth, int iterations, int warmups, Duration pollInterval)
    {
        this.berth = requireNonNull(berth, "berth is null");
        this.iterations = iterations;
        this.warmups = warmups;
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
    }

    Result run()
            throws IOException, InterruptedException
    {
        EcsClient ecs = berth.ecs();
        TaskObserver observer = new TaskObserver(ecs, pollInterval);
        List<Duration> toRunning = new ArrayList<>();
        List<Duration> runTaskCalls = new ArrayList<>();
        List<Duration> toStopped = new ArrayList<>();
        StartBreakdown breakdown = new StartBreakdown();
        for (int i = 0; i < warmups + iterations; i++) {
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
            if (i < warmups) {
                continue;
            }
            toRunning.add(Duration.ofNanos(running.seenNanos() - sent));
            runTaskCalls.add(Duration.ofNanos(returned - sent));
            toStopped.add(Duration.ofNanos(stopped.seenNanos() - stopSent));
            breakdown.add(sentAt, running.task(), running.seenAt());
        }
        return new Result(
                List.of(
                        Measurement.of(RUN_TO_RUNNING, toRunning),
                        Measurement.of(RUN_TASK_CALL, runTaskCalls),
                        Measurement.of(STOP_TO_STOPPED, toStopped),
                        Measurement.of(DESCRIBE_CALL, observer.describeRoundTrips())),
                breakdown.measurements());
    }
}
