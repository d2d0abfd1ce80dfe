package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.HostChange;

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
 * not lost. A change of the task network alone (a peer, another host's task endpoint) has a flag of its own: an agent
 * that can fetch its network plan alone is told so (see {@link #awaitChange}) and spares the control plane a sync, which
 * matters because a task that starts changes the network of every host holding tasks of its account. Several control planes on one store tell each other through a {@link Publisher} (see
 * {@link io.berth.controlplane.agents.wakeups.HostChangeRelay}): an agent long-polls the replica it talks to, whichever
 * replica made the change.
 * <p>
 * A host is told of changes of its network alone at most once per {@link #DEFAULT_NETWORK_SPACING}: the first after a
 * quiet spell at once, those that follow within it together when it has passed. While tasks start one after another
 * across a fleet, every host holding tasks of their account was otherwise woken for each new endpoint, one plan each
 * (most of a simulated fleet's control-plane work at 40 RunTasks a second, docs/benchmarks.md); a peer now learns of a
 * new endpoint at most that much later, and never later when endpoints change rarely. A change that may touch the
 * host's tasks is never held.
 */
public final class HostSignals
{
    /** Tells the other control-plane replicas that a host's desired state changed. */
    @FunctionalInterface
    public interface Publisher
    {
        Publisher NONE = (hostId, networkOnly) -> {};

        /** Must not block: it runs right after the change's transaction, on the caller's thread. */
        void publish(String hostId, boolean networkOnly);
    }

    /** How often at most a host is told of changes of its network alone. */
    public static final Duration DEFAULT_NETWORK_SPACING = Duration.ofMillis(250);

    private final ConcurrentMap<String, Signal> signals = new ConcurrentHashMap<>();
    private final long networkSpacingNanos;
    private volatile Publisher publisher = Publisher.NONE;

    public HostSignals()
    {
        this(DEFAULT_NETWORK_SPACING);
    }

    /** networkSpacing: how often at most a host is told of changes of its network alone (zero: at every change). */
    public HostSignals(Duration networkSpacing)
    {
        if (networkSpacing.isNegative()) {
            throw new IllegalArgumentException("networkSpacing must not be negative: " + networkSpacing);
        }
        this.networkSpacingNanos = networkSpacing.toNanos();
    }

    /** From now on, every signal is also published to the other replicas. */
    public void publishTo(Publisher value)
    {
        this.publisher = requireNonNull(value, "value is null");
    }

    public void signal(String hostId)
    {
        signalFor(hostId).raise(false);
        publisher.publish(hostId, false);
    }

    /** Only the host's network plan changed: its peers or the endpoints of other hosts' tasks. */
    public void signalNetwork(String hostId)
    {
        signalFor(hostId).raise(true);
        publisher.publish(hostId, true);
    }

    /** A change another replica made: wakes the host's agent if it waits here, and goes no further. */
    public void signalHere(String hostId)
    {
        signalFor(hostId).raise(false);
    }

    /** A change of the host's network alone, made by another replica: as {@link #signalHere}. */
    public void signalNetworkHere(String hostId)
    {
        signalFor(hostId).raise(true);
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

    /**
     * True when a change of any kind arrived (or was already pending), false when the timeout passed. For a waiter that
     * answers every change with a sync, which clears it.
     */
    public boolean await(String hostId, Duration timeout)
            throws InterruptedException
    {
        return signalFor(hostId).await(timeout, false) != HostChange.NONE;
    }

    /**
     * What changed, once something did (or was already pending): ANY when the host's tasks may have changed (a sync
     * clears it), NETWORK when only its network did. A NETWORK answer takes the network flag with it, since the waiter
     * fetches the plan next and no sync may come to clear it; a network change that arrives after that raises it again.
     * A NETWORK answer comes no sooner than the network spacing after the last one (unless the timeout comes first).
     * NONE when the timeout passed.
     */
    public HostChange awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        return signalFor(hostId).await(timeout, true);
    }

    private Signal signalFor(String hostId)
    {
        return signals.computeIfAbsent(hostId, ignored -> new Signal(networkSpacingNanos));
    }

    private static final class Signal
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition raised = lock.newCondition();
        private final long networkSpacingNanos;
        /** A change that may touch the host's tasks is pending; a change of its network alone is pending. */
        private boolean pending;
        private boolean networkPending;
        /** When a NETWORK answer last took the network flag (System.nanoTime), and whether one ever did. */
        private long networkTakenAt;
        private boolean networkTaken;

        Signal(long networkSpacingNanos)
        {
            this.networkSpacingNanos = networkSpacingNanos;
        }

        void raise(boolean networkOnly)
        {
            lock.lock();
            try {
                if (networkOnly) {
                    networkPending = true;
                }
                else {
                    pending = true;
                }
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
                networkPending = false;
            }
            finally {
                lock.unlock();
            }
        }

        /**
         * takeNetwork: a NETWORK answer clears the network flag, in the same hold of the lock (no raise is lost between),
         * and comes no sooner than the spacing after the last one, or at the timeout.
         */
        HostChange await(Duration timeout, boolean takeNetwork)
                throws InterruptedException
        {
            long deadline = System.nanoTime() + timeout.toNanos();
            lock.lock();
            try {
                while (true) {
                    if (pending) {
                        return HostChange.ANY;
                    }
                    long now = System.nanoTime();
                    long remaining = deadline - now;
                    if (networkPending) {
                        if (!takeNetwork) {
                            return HostChange.NETWORK;
                        }
                        long heldFor = networkTaken ? networkTakenAt + networkSpacingNanos - now : 0;
                        if (heldFor <= 0 || remaining <= 0) {
                            networkPending = false;
                            networkTaken = true;
                            networkTakenAt = now;
                            return HostChange.NETWORK;
                        }
                        raised.awaitNanos(Math.min(heldFor, remaining));
                        continue;
                    }
                    if (remaining <= 0) {
                        return HostChange.NONE;
                    }
                    raised.awaitNanos(remaining);
                }
            }
            finally {
                lock.unlock();
            }
        }
    }
}
