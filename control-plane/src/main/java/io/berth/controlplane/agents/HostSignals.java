package io.berth.controlplane.agents;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes an agent waiting in awaitChange when its host's desired state changed. A flag per host, set by
 * RunTask/StopTask and cleared when the agent syncs, so a change made between a sync and the next wait is
 * not lost. In-process only: several control planes would need a store-backed signal.
 */
public final class HostSignals
{
    private final ConcurrentMap<String, Signal> signals = new ConcurrentHashMap<>();

    public void signal(String hostId)
    {
        signalFor(hostId).raise();
    }

    /** Called at the start of a sync: the sync itself will hand over everything changed so far. */
    public void clear(String hostId)
    {
        signalFor(hostId).clear();
    }

    /** True when a change arrived (or was already pending), false when the timeout passed. */
    public boolean await(String hostId, Duration timeout)
            throws InterruptedException
    {
        return signalFor(hostId).await(timeout);
    }

    private Signal signalFor(String hostId)
    {
        return signals.computeIfAbsent(hostId, ignored -> new Signal());
    }

    private static final class Signal
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition raised = lock.newCondition();
        private boolean pending;

        void raise()
        {
            lock.lock();
            try {
                pending = true;
                raised.signalAll();
            }
            finally {
                lock.unlock();
            }
        }

        void clear()
        {
            lock.lock();
            try {
                pending = false;
            }
            finally {
                lock.unlock();
            }
        }

        boolean await(Duration timeout)
                throws InterruptedException
        {
            long remaining = timeout.toNanos();
            lock.lock();
            try {
                while (!pending) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = raised.awaitNanos(remaining);
                }
                return true;
            }
            finally {
                lock.unlock();
            }
        }
    }
}
