package io.berth.controlplane.agents;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Wakes an agent waiting in awaitChange when its host's desired state changed. A flag per host, set by
 * RunTask/StopTask and cleared when the agent syncs, so a change made between a sync and the next wait is
 * not lost. Several control planes on one store tell each other through a {@link Publisher} (see
 * {@link io.berth.controlplane.agents.wakeups.HostChangeRelay}): an agent long-polls the replica it talks to, whichever
 * replica made the change.
 */
public final class HostSignals
{
    /** Tells the other control-plane replicas that a host's desired state changed. */
    @FunctionalInterface
    public interface Publisher
    {
        Publisher NONE = hostId -> {};

        /** Must not block: it runs right after the change's transaction, on the caller's thread. */
        void publish(String hostId);
    }

    private final ConcurrentMap<String, Signal> signals = new ConcurrentHashMap<>();
    private volatile Publisher publisher = Publisher.NONE;

    /** From now on, every signal is also published to the other replicas. */
    public void publishTo(Publisher value)
    {
        this.publisher = requireNonNull(value, "value is null");
    }

    public void signal(String hostId)
    {
        signalFor(hostId).raise();
        publisher.publish(hostId);
    }

    /** A change another replica made: wakes the host's agent if it waits here, and goes no further. */
    public void signalHere(String hostId)
    {
        signalFor(hostId).raise();
    }

    /** The hosts whose agents have waited or synced here: those to wake when changes from other replicas may have been missed. */
    public Set<String> hostsSeenHere()
    {
        return Set.copyOf(signals.keySet());
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
