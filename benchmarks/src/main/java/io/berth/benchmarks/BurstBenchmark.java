package io.berth.benchmarks;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * A burst: RunTask calls of ten tasks each (ECS's most per call) sent at once, timed until every task is
 * RUNNING; then a StopTask for each, sent at once, timed until every task is STOPPED. Before the burst and
 * while its tasks run idle, it also records the CPU Berth's processes use with nothing to do but watch, and
 * how many of the tasks each host holds.
 */
final class BurstBenchmark
{
    private static final int TASKS_PER_CALL = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    static final Duration IDLE_WINDOW = Duration.ofSeconds(5);

    /** The timings, and the CPU Berth used while idle with no task and with the burst's tasks running. */
    record Result(List<Measurement> measurements, ProcessCpu.Use idleWithoutTasks, ProcessCpu.Use idleWithTasks, Map<String, Integer> tasksPerHost) {}

    private final BenchmarkCluster target;
    private final int tasks;
    private final Duration pollInterval;
    private final List<Long> berthProcesses;
    private final WhileRunning whileRunning;

    /** Measures something more while the burst's tasks all run (after their idle CPU, before they are stopped). */
    @FunctionalInterface
    interface WhileRunning
    {
        WhileRunning NOTHING = List::of;

        List<Measurement> measure()
                throws IOException;
    }

    /** berthProcesses: the process ids whose CPU counts as Berth's; empty for this JVM (the all-in-one runs in it). */
    BurstBenchmark(BenchmarkCluster target, int tasks, Duration pollInterval, List<Long> berthProcesses)
    {
        this(target, tasks, pollInterval, berthProcesses, WhileRunning.NOTHING);
    }

    BurstBenchmark(BenchmarkCluster target, int tasks, Duration pollInterval, List<Long> berthProcesses, WhileRunning whileRunning)
    {
        this.target = requireNonNull(target, "target is null");
        this.tasks = tasks;
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
        this.berthProcesses = List.copyOf(berthProcesses);
        this.whileRunning = requireNonNull(whileRunning, "whileRunning is null");
    }

    Result run()
            throws IOException, InterruptedException
    {
        ProcessCpu.Use idleWithoutTasks = idleCpu();
        EcsClient ecs = target.ecs();
        TaskObserver observer = new TaskObserver(target, pollInterval);
        List<String> taskArns = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(TASKS_PER_CALL)) {
            List<Integer> counts = new ArrayList<>();
            for (int remaining = tasks; remaining > 0; remaining -= TASKS_PER_CALL) {
                counts.add(Math.min(TASKS_PER_CALL, remaining));
            }
            long sent = System.nanoTime();
            Instant sentAt = Instant.now();
            List<Future<RunTaskResponse>> calls = counts.stream()
                    .map(count -> callers.submit(() -> target.runTask(count)))
                    .toList();
            for (Future<RunTaskResponse> call : calls) {
                RunTaskResponse response = get(call);
                if (!response.failures().isEmpty()) {
                    throw new IOException("RunTask failed: " + response.failures());
                }
                response.tasks().stream().map(Task::taskArn).forEach(taskArns::add);
            }
            Map<String, TaskObserver.Observation> running = observer.awaitStatus(taskArns, "RUNNING", TIMEOUT);
            List<Duration> each = running.values().stream().map(observation -> Duration.ofNanos(observation.seenNanos() - sent)).toList();
            // when each container started by Berth's own timestamps (millisecond precision): the rest of "each task
            // RUNNING" is the report's way to the control plane and the polls
            List<Duration> started = running.values().stream()
                    .map(observation -> Duration.between(sentAt, observation.task().startedAt()))
                    .toList();
            long allRunning = running.values().stream().mapToLong(TaskObserver.Observation::seenNanos).max().orElseThrow();
            ProcessCpu.Use idleWithTasks = idleCpu();
            Map<String, Integer> tasksPerHost = target.tasksPerHost();
            List<Measurement> measured = new ArrayList<>(whileRunning.measure());

            long stopSent = System.nanoTime();
            List<Future<?>> stops = taskArns.stream()
                    .<Future<?>>map(arn -> callers.submit(() -> ecs.stopTask(request -> request.cluster(target.cluster()).task(arn).reason("benchmark"))))
                    .toList();
            for (Future<?> stop : stops) {
                get(stop);
            }
            Map<String, TaskObserver.Observation> stopped = observer.awaitStatus(taskArns, "STOPPED", TIMEOUT);
            long allStopped = stopped.values().stream().mapToLong(TaskObserver.Observation::seenNanos).max().orElseThrow();
            measured.addAll(0, List.of(
                    Measurement.of(target.name() + " burst: all RUNNING (" + tasks + " tasks)", List.of(Duration.ofNanos(allRunning - sent))),
                    Measurement.of(target.name() + " burst: each task RUNNING", each),
                    Measurement.of(target.name() + " burst: each task's startedAt (its timestamp)", started),
                    Measurement.of(target.name() + " burst: StopTask all -> all STOPPED", List.of(Duration.ofNanos(allStopped - stopSent)))));
            return new Result(
                    List.copyOf(measured),
                    idleWithoutTasks,
                    idleWithTasks,
                    tasksPerHost);
        }
    }

    private ProcessCpu.Use idleCpu()
            throws IOException, InterruptedException
    {
        ProcessCpu before = ProcessCpu.now(berthProcesses);
        Thread.sleep(IDLE_WINDOW);
        return ProcessCpu.now(berthProcesses).since(before);
    }

    private static <T> T get(Future<T> call)
            throws IOException, InterruptedException
    {
        try {
            return call.get();
        }
        catch (ExecutionException e) {
            throw new IOException("ECS call failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
