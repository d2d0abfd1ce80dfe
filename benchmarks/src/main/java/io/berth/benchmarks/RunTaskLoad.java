package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static java.util.Objects.requireNonNull;

/**
 * RunTask through the AWS SDK as fast as the control plane answers: concurrency workers, each sending its next call
 * when the last one is answered, spread over the clients (one per replica), until a number of calls or a deadline.
 * Records each call's latency, the failures, and when each new task's RunTask was answered.
 */
final class RunTaskLoad
{
    /** As a fleet's tasks are spread: every simulated host holds about as many. */
    static final PlacementStrategy SPREAD = PlacementStrategy.builder().type(PlacementStrategyType.SPREAD).field("instanceId").build();

    private final List<EcsClient> clients;
    private final String cluster;
    private final String taskDefinitionArn;

    /** What a load did. */
    record Result(int calls, int tasks, long failures, List<Duration> latencies, Duration elapsed, Map<String, Long> answeredAt, String lastFailure)
    {
        double callsPerSecond()
        {
            return calls / (elapsed.toNanos() / 1e9);
        }

        double tasksPerSecond()
        {
            return tasks / (elapsed.toNanos() / 1e9);
        }
    }

    RunTaskLoad(List<EcsClient> clients, String cluster, String taskDefinitionArn)
    {
        this.clients = List.copyOf(clients);
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.taskDefinitionArn = requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
    }

    /** Calls of count tasks each, by concurrency workers, until maxCalls were answered or the duration passed. */
    Result run(int count, int concurrency, int maxCalls, Duration duration)
            throws InterruptedException
    {
        long started = System.nanoTime();
        long deadline = started + duration.toNanos();
        AtomicInteger issued = new AtomicInteger();
        LongAdder tasks = new LongAdder();
        LongAdder failures = new LongAdder();
        AtomicReference<String> lastFailure = new AtomicReference<>();
        ConcurrentLinkedQueue<Duration> latencies = new ConcurrentLinkedQueue<>();
        Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int worker = 0; worker < concurrency; worker++) {
                int first = worker;
                workers.execute(() -> {
                    for (int call = first; System.nanoTime() < deadline && issued.getAndIncrement() < maxCalls; call++) {
                        long sent = System.nanoTime();
                        try {
                            RunTaskResponse response = clients.get(call % clients.size()).runTask(request -> request.cluster(cluster).taskDefinition(taskDefinitionArn)
                                    .count(count).networkConfiguration(BenchmarkCluster.AWSVPC).placementStrategy(SPREAD));
                            long answered = System.nanoTime();
                            latencies.add(Duration.ofNanos(answered - sent));
                            response.tasks().forEach(task -> answeredAt.put(task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1), answered));
                            tasks.add(response.tasks().size());
                            if (!response.failures().isEmpty()) {
                                failures.increment();
                                lastFailure.set(response.failures().getFirst().toString());
                            }
                        }
                        catch (RuntimeException e) {
                            failures.increment();
                            lastFailure.set(e.toString());
                        }
                    }
                });
            }
            workers.shutdown();
            if (!workers.awaitTermination(duration.toSeconds() + 120, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        }
        List<Duration> answered = List.copyOf(latencies);
        return new Result(answered.size(), (int) tasks.sum(), failures.sum(), answered, Duration.ofNanos(System.nanoTime() - started), answeredAt, lastFailure.get());
    }
}
