package io.berth.agent.process;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tasks starting or stopping on this host, so that work done ahead of need (warm network namespaces, spare
 * formatted storage) waits for them instead of competing with them: on a host of two cores a `mkfs` or an `ip netns
 * add` run beside a start or a stop adds its cost to that task's latency, which is what a user waits on. Such work
 * waits at most a bound ({@link #giveWay}), so a host that starts tasks without a pause still gets its pools filled.
 */
public final class TaskTransitions
{
    /** One task's start or stop; closing it again does nothing. */
    public final class Transition
            implements AutoCloseable
    {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Transition() {}

        @Override
        public void close()
        {
            if (open.compareAndSet(true, false)) {
                ended();
            }
        }
    }

    /**
     * How long after the last start or stop work done ahead of need still waits: a task that just started is often
     * stopped moments later (`berth run`, a failed health check), and a stop's request reaches the host about a
     * tenth of a second after the start's report left it.
     */
    public static final Duration SETTLE = Duration.ofMillis(500);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();
    private int underWay;
    /** System.nanoTime() when the last transition ended; guarded by lock. */
    private long lastEnded = System.nanoTime() - SETTLE.toNanos();

    /** A task begins to start or to stop; close what this returns when it runs, or when it stopped. */
    public Transition begin()
    {
        lock.lock();
        try {
            underWay++;
            return new Transition();
        }
        finally {
            lock.unlock();
        }
    }

    public int count()
    {
        lock.lock();
        try {
            return underWay;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * What work done ahead of need calls before each piece: waits until no task is starting or stopping and none has
     * for {@link #SETTLE}, at most atMost. An interrupt (the agent stopping) ends the wait and stays set for the
     * caller's next wait.
     */
    public void giveWay(Duration atMost)
    {
        long deadline = System.nanoTime() + atMost.toNanos();
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                long left = deadline - now;
                if (left <= 0) {
                    return;
                }
                if (underWay > 0) {
                    none.awaitNanos(left);
                    continue;
                }
                long settling = lastEnded + SETTLE.toNanos() - now;
                if (settling <= 0) {
                    return;
                }
                // a transition that begins meanwhile is waited for on the next turn
                none.awaitNanos(Math.min(settling, left));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            lock.unlock();
        }
    }

    private void ended()
    {
        lock.lock();
        try {
            underWay--;
            lastEnded = System.nanoTime();
            if (underWay == 0) {
                none.signalAll();
            }
        }
        finally {
            lock.unlock();
        }
    }
}
