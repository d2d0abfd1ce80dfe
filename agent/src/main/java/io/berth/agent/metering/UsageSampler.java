package io.berth.agent.metering;

import io.berth.agent.tasks.ContainerRecord;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Reads the usage of every container of every task this host holds, every interval, on a thread of its
 * own. Usage of tasks the host no longer holds is forgotten: the control plane has recorded their final
 * report by then (the agent forgets a task only once the control plane has seen it STOPPED).
 */
public final class UsageSampler
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(UsageSampler.class);
    /** A container's usage is kept this long after its task is gone, so a task that is just being assigned is never swept. */
    private static final Duration FORGET_GRACE = Duration.ofMinutes(1);

    private final MeteredRuntime runtime;
    private final UsageLedger ledger;
    private final Supplier<List<TaskRecord>> tasks;
    private final Duration interval;
    private final Clock clock;
    private Thread thread;

    public UsageSampler(MeteredRuntime runtime, UsageLedger ledger, Supplier<List<TaskRecord>> tasks, Duration interval, Clock clock)
    {
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
    }

    public synchronized void start()
    {
        if (thread == null) {
            thread = Thread.ofPlatform().name("usage-sampler").daemon().start(this::loop);
        }
    }

    /** One round: a reading of every container of every held task, then the usage of forgotten tasks goes. */
    public void sampleAll()
    {
        List<TaskRecord> held = tasks.get();
        Set<String> heldTaskIds = new HashSet<>();
        for (TaskRecord task : held) {
            heldTaskIds.add(task.taskId());
            if (task.status() == Status.STOPPED) {
                continue;
            }
            for (ContainerRecord container : task.containers()) {
                if (container.status() != Status.STOPPED) {
                    runtime.sample(container.containerId());
                }
            }
        }
        ledger.retainOnly(heldTaskIds, clock.instant().minus(FORGET_GRACE));
    }

    private void loop()
    {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                sampleAll();
            }
            catch (RuntimeException e) {
                log.warn("usage sampling failed, retrying: {}", e.toString());
            }
            try {
                Thread.sleep(interval);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public synchronized void close()
    {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        // readings between writes are kept in memory: the next agent resumes from the last one
        ledger.flush();
    }
}
