package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Polls DescribeTasks (at most 100 tasks a call, as ECS allows) until every task reached a status, and
 * records when each was first seen there: monotonic time for the latency, wall time to compare with the
 * timestamps Berth reports. Keeps how long each DescribeTasks round trip took, since it is in every sample.
 */
final class TaskObserver
{
    private static final int DESCRIBE_LIMIT = 100;

    /** The first DescribeTasks answer that showed the task in the awaited status. */
    record Observation(Task task, long seenNanos, Instant seenAt) {}

    private final EcsClient ecs;
    private final String cluster;
    private final Duration pollInterval;
    private final List<Duration> describeRoundTrips = new ArrayList<>();

    TaskObserver(BenchmarkCluster target, Duration pollInterval)
    {
        this.ecs = target.ecs();
        this.cluster = target.cluster();
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
    }

    /**
     * Waits until each task's lastStatus is status. A task that reaches STOPPED while RUNNING is awaited
     * failed to start: that ends the benchmark with Berth's reason.
     */
    Map<String, Observation> awaitStatus(List<String> taskArns, String status, Duration timeout)
            throws IOException, InterruptedException
    {
        Map<String, Observation> seen = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.size() < taskArns.size()) {
            List<String> waiting = taskArns.stream().filter(arn -> !seen.containsKey(arn)).toList();
            for (int from = 0; from < waiting.size(); from += DESCRIBE_LIMIT) {
                List<String> batch = waiting.subList(from, Math.min(waiting.size(), from + DESCRIBE_LIMIT));
                long sent = System.nanoTime();
                DescribeTasksResponse response = ecs.describeTasks(request -> request.cluster(cluster).tasks(batch));
                long received = System.nanoTime();
                Instant receivedAt = Instant.now();
                synchronized (describeRoundTrips) {
                    describeRoundTrips.add(Duration.ofNanos(received - sent));
                }
                if (!response.failures().isEmpty()) {
                    throw new IOException("DescribeTasks failed for " + response.failures());
                }
                for (Task task : response.tasks()) {
                    if (task.lastStatus().equals(status)) {
                        seen.put(task.taskArn(), new Observation(task, received, receivedAt));
                    }
                    else if (task.lastStatus().equals("STOPPED")) {
                        throw new IOException("task " + task.taskArn() + " stopped instead of reaching " + status + ": "
                                + task.stopCodeAsString() + ": " + task.stoppedReason());
                    }
                }
            }
            if (seen.size() == taskArns.size()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException((taskArns.size() - seen.size()) + " of " + taskArns.size() + " tasks did not reach " + status
                        + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(pollInterval);
        }
        Map<String, Observation> ordered = new LinkedHashMap<>();
        taskArns.forEach(arn -> ordered.put(arn, seen.get(arn)));
        return ordered;
    }

    List<Duration> describeRoundTrips()
    {
        synchronized (describeRoundTrips) {
            return List.copyOf(describeRoundTrips);
        }
    }
}
