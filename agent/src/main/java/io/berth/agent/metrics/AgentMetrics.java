package io.berth.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/** One agent's metrics in one registry; see the package for what they measure. */
public final class AgentMetrics
{
    /** Seconds: a cached image or a namespace in ms, to a large pull in minutes. */
    private static final double[] STEP_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

    /** The steps of a task's start. */
    public static final String IMAGE_PULL = "image_pull";
    public static final String NETWORK_SETUP = "network_setup";
    public static final String STORAGE_CREATE = "storage_create";
    public static final String ROOTFS_PREPARE = "rootfs_prepare";
    public static final String CONTAINER_START = "container_start";
    /** The steps of a task's cleanup: their failures are cleanup failures (retried until they succeed). */
    public static final String CONTAINER_DELETE = "container_delete";
    public static final String ROOTFS_REMOVE = "rootfs_remove";
    public static final String STORAGE_REMOVE = "storage_remove";
    public static final String NETWORK_TEARDOWN = "network_teardown";

    /** The stop_code of a task the control plane told to stop (StopTask, its service, a drain): its code is the control plane's. */
    public static final String REQUESTED = "Requested";

    @FunctionalInterface
    public interface Step<T, E extends Exception>
    {
        T run()
                throws E;
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram steps;
    private final Counter cleanupFailures;
    private final Counter starts;
    private final Histogram startDuration;
    private final Counter stops;
    private final Histogram stopDuration;
    private GaugeWithCallback imageStoreBytes;
    private GaugeWithCallback imageStoreMaxBytes;

    public AgentMetrics()
    {
        this.steps = Histogram.builder()
                .name("berth_agent_task_step_duration_seconds")
                .help("Time of each step of starting and stopping tasks, by step and result (success or failure); the count of step=\"image_pull\" is the pulls")
                .unit(Unit.SECONDS)
                .labelNames("step", "result")
                .classicOnly()
                .classicUpperBounds(STEP_BUCKETS)
                .register(registry);
        this.cleanupFailures = Counter.builder()
                .name("berth_agent_cleanup_failures_total")
                .help("Cleanup steps that failed (each is retried until what it removes is gone), by step")
                .labelNames("step")
                .register(registry);
        this.starts = Counter.builder()
                .name("berth_agent_task_starts_total")
                .help("Tasks this agent started: running (every essential container started) or failed (stopped before running)")
                .labelNames("result")
                .register(registry);
        this.startDuration = Histogram.builder()
                .name("berth_agent_task_start_duration_seconds")
                .help("Time from the start of a task's image pull to the task running")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(STEP_BUCKETS)
                .register(registry);
        this.stops = Counter.builder()
                .name("berth_agent_task_stops_total")
                .help("Tasks this agent stopped and cleaned up, by the stop code the agent decided (EssentialContainerExited, TaskFailedToStart, ...) or Requested when the control plane asked")
                .labelNames("stop_code")
                .register(registry);
        this.stopDuration = Histogram.builder()
                .name("berth_agent_task_stop_duration_seconds")
                .help("Time from a task's containers having exited to everything of the task removed from the host")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(STEP_BUCKETS)
                .register(registry);
    }

    public PrometheusRegistry registry()
    {
        return registry;
    }

    /**
     * Reports the image store's size (bytes, when known) and its limit at each scrape, in place of an image store
     * measured before (an agent started again).
     */
    public synchronized void measureImageStore(Supplier<OptionalLong> storeBytes, long maxStoreBytes)
    {
        requireNonNull(storeBytes, "storeBytes is null");
        if (imageStoreBytes != null) {
            registry.unregister(imageStoreBytes);
            registry.unregister(imageStoreMaxBytes);
        }
        imageStoreBytes = GaugeWithCallback.builder()
                .name("berth_agent_image_store_bytes")
                .help("Bytes in the image store (blobs and unpacked layers), as measured at its last garbage collection (after each pull and every 5 minutes)")
                .callback(callback -> storeBytes.get().ifPresent(callback::call))
                .register(registry);
        imageStoreMaxBytes = GaugeWithCallback.builder()
                .name("berth_agent_image_store_max_bytes")
                .help("The most the image store may hold before unused images are removed")
                .callback(callback -> callback.call(maxStoreBytes))
                .register(registry);
    }

    /** Runs a step of a task's start, timing it. */
    public <T, E extends Exception> T measure(String step, Step<T, E> work)
            throws E
    {
        return measure(step, false, work);
    }

    /** Runs a step of a task's cleanup, timing it and counting its failure. */
    public <T, E extends Exception> T measureCleanup(String step, Step<T, E> work)
            throws E
    {
        return measure(step, true, work);
    }

    private <T, E extends Exception> T measure(String step, boolean cleanup, Step<T, E> work)
            throws E
    {
        long start = System.nanoTime();
        boolean succeeded = false;
        try {
            T result = work.run();
            succeeded = true;
            return result;
        }
        finally {
            steps.labelValues(step, succeeded ? "success" : "failure").observe((System.nanoTime() - start) / 1e9);
            if (cleanup && !succeeded) {
                cleanupFailures.labelValues(step).inc();
            }
        }
    }

    void taskRunning(Duration fromPullStart)
    {
        starts.labelValues("running").inc();
        if (fromPullStart != null) {
            startDuration.observe(seconds(fromPullStart));
        }
    }

    void taskFailedToRun()
    {
        starts.labelValues("failed").inc();
    }

    void taskStopped(String stopCode, Duration cleanup)
    {
        // the agent reports a stop code only for a stop it decided itself; the control plane's own stops have theirs there
        stops.labelValues(stopCode == null ? REQUESTED : stopCode).inc();
        if (cleanup != null) {
            stopDuration.observe(seconds(cleanup));
        }
    }

    private static double seconds(Duration duration)
    {
        return Math.max(0, duration.toNanos()) / 1e9;
    }
}
