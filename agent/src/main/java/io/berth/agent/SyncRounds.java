package io.berth.agent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The agent's syncs as rounds: which task steps wait to be reported and until when, and how many syncs have begun and
 * ended. A step between a task's start and RUNNING, or between its stop and STOPPED, may wait up to the step delay to
 * travel with the next change (see {@link io.berth.agent.tasks.TaskChangeListener}). A wake-up from the control plane
 * waits for the sync it asked for to end before the next long poll: the control plane keeps a change pending until a
 * sync of the host begins there, so a poll sent before then is answered at once with the same change, and would ask
 * for a second sync of it. The scale benchmark's simulated agents keep their syncs with it too.
 */
public final class SyncRounds
{
    private final long stepDelayNanos;
    private final LongSupplier nanoTime;
    private boolean stepWaiting;
    private long stepDueAt;
    private long begun;
    private long ended;

    /** nanoTime: a monotonic clock in nanoseconds (System::nanoTime). */
    public SyncRounds(Duration stepDelay, LongSupplier nanoTime)
    {
        if (stepDelay.isNegative()) {
            throw new IllegalArgumentException("stepDelay must not be negative: " + stepDelay);
        }
        this.stepDelayNanos = stepDelay.toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** A task's step changed its report: it is to be synced within the step delay, with any other step since the last sync. */
    public synchronized void stepChanged()
    {
        if (!stepWaiting) {
            stepWaiting = true;
            stepDueAt = nanoTime.getAsLong() + stepDelayNanos;
        }
    }

    /** Nanoseconds until the waiting steps must be synced (zero or less: now); Long.MAX_VALUE when none waits. */
    public synchronized long nanosUntilStepsDue()
    {
        return stepWaiting ? stepDueAt - nanoTime.getAsLong() : Long.MAX_VALUE;
    }

    /** A sync begins: it reports every change so far, the waiting steps among them. Returns how many syncs have begun. */
    public synchronized long syncBegins()
    {
        stepWaiting = false;
        return ++begun;
    }

    /** The sync that began last has ended, whether it succeeded or not. */
    public synchronized void syncEnded()
    {
        ended++;
        notifyAll();
    }

    /** How many syncs have begun so far: {@link #awaitSyncAfter} then waits for one more to end. */
    public synchronized long begunSoFar()
    {
        return begun;
    }

    /**
     * Waits until a sync that began after begun syncs has ended, or at most timeout; true when one did. A sync under way
     * when begun was read does not count: it may have begun at the control plane before the change it is waited for.
     */
    public synchronized boolean awaitSyncAfter(long begun, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ended <= begun) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
        return true;
    }
}
