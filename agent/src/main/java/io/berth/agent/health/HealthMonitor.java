package io.berth.agent.health;

import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.runtime.ExecResult;
import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.common.agentprotocol.HealthStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Runs the health checks of every watched container on this host. One scheduler thread times them all (no thread
 * waits per task between checks); each check runs on a virtual thread of its own while its command runs, through
 * the runtime's exec with the check's timeout as its deadline. The next check of a container is due an interval
 * after its previous one ended, as Docker times them. Task runners read the statuses and act on them.
 */
public final class HealthMonitor
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final ContainerRuntime runtime;
    private final Clock clock;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor scheduler;
    private boolean closed;

    public HealthMonitor(ContainerRuntime runtime, Clock clock)
    {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Starts checking the running container, unless it is watched already. recorded is the status an earlier agent
     * recorded for it (null for a container that has just started).
     */
    public void watch(String containerId, ContainerHealthCheck check, HealthStatus recorded)
    {
        requireNonNull(containerId, "containerId is null");
        requireNonNull(check, "check is null");
        Instant now = clock.instant();
        HealthCheckState initial = recorded == null ? HealthCheckState.starting(now) : HealthCheckState.resumed(recorded, now);
        Watch watch = new Watch(containerId, check, new AtomicReference<>(initial));
        if (watches.putIfAbsent(containerId, watch) == null) {
            schedule(watch);
        }
    }

    /** Stops checking the container (it has exited, or its task is stopping); a check under way finishes unheeded. */
    public void unwatch(String containerId)
    {
        Watch watch = watches.remove(containerId);
        if (watch != null) {
            ScheduledFuture<?> next = watch.next;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    public boolean watches(String containerId)
    {
        return watches.containsKey(containerId);
    }

    /** The container's status now; UNKNOWN for a container not watched. */
    public HealthStatus status(String containerId)
    {
        Watch watch = watches.get(containerId);
        return watch == null ? HealthStatus.UNKNOWN : watch.state.get().status();
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        watches.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private synchronized void schedule(Watch watch)
    {
        if (closed || watches.get(watch.containerId) != watch) {
            return;
        }
        if (scheduler == null) {
            scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("health-checks").factory());
            scheduler.setRemoveOnCancelPolicy(true);
        }
        watch.next = scheduler.schedule(() -> Thread.ofVirtual().name("health-check-" + watch.containerId).start(() -> check(watch)),
                watch.check.intervalSeconds(), TimeUnit.SECONDS);
    }

    private void check(Watch watch)
    {
        Instant started = clock.instant();
        ExecResult result;
        try {
            result = runtime.exec(watch.containerId, watch.check.processArguments(), watch.check.timeout());
        }
        catch (RuntimeException e) {
            result = new ExecResult(-1, String.valueOf(e.getMessage()), false);
        }
        if (watches.get(watch.containerId) != watch) {
            return;
        }
        HealthCheckState before = watch.state.get();
        HealthCheckState after = before.afterCheck(watch.check, result.succeeded(), started);
        watch.state.set(after);
        if (after.status() != before.status()) {
            log.info("container {}: health check {} ({}), now {}", watch.containerId, result.succeeded() ? "passed" : "failed",
                    describe(result), after.status());
        }
        else if (!result.succeeded()) {
            log.debug("container {}: health check failed ({}), {} in a row", watch.containerId, describe(result), after.consecutiveFailures());
        }
        schedule(watch);
    }

    private static String describe(ExecResult result)
    {
        String output = result.output().strip();
        String outcome = result.timedOut() ? "timed out" : "exit code " + result.exitCode();
        return output.isEmpty() ? outcome : outcome + ": " + (output.length() > 200 ? output.substring(0, 200) + "..." : output);
    }

    private static final class Watch
    {
        private final String containerId;
        private final ContainerHealthCheck check;
        private final AtomicReference<HealthCheckState> state;
        private volatile ScheduledFuture<?> next;

        private Watch(String containerId, ContainerHealthCheck check, AtomicReference<HealthCheckState> state)
        {
            this.containerId = containerId;
            this.check = check;
            this.state = state;
        }
    }
}
