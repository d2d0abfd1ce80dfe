package io.berth.agent.process;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tasks starting or stopping on this host, so that work done ahead of need (warm network namespaces, spare
 * formatted storage) waits for them instead of competing with them: on a host of two cores a `mkfs` or an `ip netns
 * add` run beside a start or a stop adds its cost to that task's latency, which is what a user waits on. Such work
 * waits at most a bound ({@link #awaitNone}), so a host that starts tasks without a pause still gets its pools filled.
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

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();
    private int underWay;

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

    /** Waits until no task is starting or stopping, or at most atMost; true when none is. */
    public boolean awaitNone(Duration atMost)
            throws InterruptedException
    {
        lock.lock();
        try {
            long left = atMost.toNanos();
            while (underWay > 0 && left > 0) {
                left = none.awaitNanos(left);
            }
            return underWay == 0;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * What work done ahead of need calls before each piece: waits until no task is starting or stopping, at most
     * atMost. An interrupt (the agent stopping) ends the wait and stays set for the caller's next wait.
     */
    public void giveWay(Duration atMost)
    {
        try {
            awaitNone(atMost);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ended()
    {
        lock.lock();
        try {
            underWay--;
            if (underWay == 0) {
                none.signalAll();
            }
        }
        finally {
            lock.unlock();
        }
    }
}
