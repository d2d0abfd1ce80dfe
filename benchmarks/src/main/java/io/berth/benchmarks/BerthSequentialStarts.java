package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * RunTask-to-RUNNING through Berth's ECS API with the image cached: send RunTask, poll DescribeTasks until it says
 * RUNNING; then StopTask the oldest task beyond {@code tasksLeftRunning} and wait for STOPPED before the next start.
 * With none left running (the all-in-one), every start finds the host as idle as the raw runc baseline does. On
 * three agents with spread on instanceId, two left running make each start land on the one agent holding no task,
 * so the starts go round the agents (a spread among idle hosts would pick the same first host every time).
 */
final class BerthSequentialStarts
        implements StartSeries
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final BenchmarkCluster target;
    private final int tasksLeftRunning;
    private final TaskObserver observer;
    private final Deque<String> running = new ArrayDeque<>();
    private final List<Duration> toRunning = new ArrayList<>();
    private final List<Duration> runTaskCalls = new ArrayList<>();
    private final List<Duration> toStopped = new ArrayList<>();
    private final Map<String, Integer> startsPerHost = new TreeMap<>();
    private final List<StartSample> samples = new ArrayList<>();

    BerthSequentialStarts(BenchmarkCluster target, Duration pollInterval, int tasksLeftRunning)
    {
        this.target = requireNonNull(target, "target is null");
        this.tasksLeftRunning = tasksLeftRunning;
        this.observer = new TaskObserver(target, pollInterval);
    }

    static String runToRunning(String name)
    {
        return name + ": RunTask -> RUNNING (sequential)";
    }

    @Override
    public void startOnce(int round, boolean measured)
            throws IOException, InterruptedException
    {
        EcsClient ecs = target.ecs();
        Instant sentAt = Instant.now();
        long sent = System.nanoTime();
        RunTaskResponse response = target.runTask(1);
        long returned = System.nanoTime();
        if (!response.failures().isEmpty() || response.tasks().size() != 1) {
            throw new IOException(target.name() + ": RunTask failed: " + response.failures());
        }
        String taskArn = response.tasks().get(0).taskArn();
        running.addLast(taskArn);
        TaskObserver.Observation started = observer.awaitStatus(List.of(taskArn), "RUNNING", TIMEOUT).get(taskArn);

        Duration stop = null;
        if (running.size() > tasksLeftRunning) {
            String oldest = running.removeFirst();
            long stopSent = System.nanoTime();
            ecs.stopTask(request -> request.cluster(target.cluster()).task(oldest).reason("benchmark"));
            TaskObserver.Observation stopped = observer.awaitStatus(List.of(oldest), "STOPPED", TIMEOUT).get(oldest);
            stop = Duration.ofNanos(stopped.seenNanos() - stopSent);
        }
        if (measured) {
            toRunning.add(Duration.ofNanos(started.seenNanos() - sent));
            runTaskCalls.add(Duration.ofNanos(returned - sent));
            if (stop != null) {
                toStopped.add(stop);
            }
            samples.add(new StartSample(sentAt, started.task(), started.seenAt()));
            startsPerHost.merge(target.hostOf(taskArn), 1, Integer::sum);
        }
    }

    /** Stops the tasks left running, so the next series or burst finds the hosts empty. */
    void stopRemaining()
            throws IOException, InterruptedException
    {
        List<String> remaining = List.copyOf(running);
        running.clear();
        for (String taskArn : remaining) {
            target.ecs().stopTask(request -> request.cluster(target.cluster()).task(taskArn).reason("benchmark"));
        }
        if (!remaining.isEmpty()) {
            observer.awaitStatus(remaining, "STOPPED", TIMEOUT);
        }
    }

    @Override
    public List<Measurement> measurements()
    {
        String name = target.name();
        List<Measurement> measurements = new ArrayList<>(List.of(
                Measurement.of(runToRunning(name), toRunning),
                Measurement.of(name + ": RunTask call returns", runTaskCalls)));
        if (!toStopped.isEmpty()) {
            measurements.add(Measurement.of(name + ": StopTask -> STOPPED (sequential)", toStopped));
        }
        measurements.add(Measurement.of(name + ": DescribeTasks round trip", observer.describeRoundTrips()));
        return measurements;
    }

    /** Each measured start, for {@link StartBreakdown}. */
    List<StartSample> samples()
    {
        return List.copyOf(samples);
    }

    /** The measured starts by the host they were placed on. */
    Map<String, Integer> startsPerHost()
    {
        return Map.copyOf(startsPerHost);
    }
}
