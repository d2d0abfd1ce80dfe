package io.berth.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.process.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A few task network namespaces made ahead of need, as Fargate keeps warm ENIs: each has its loopback up, its veth on
 * the bridge with an address, and the metadata address routed, so a task's start only records it as the task's and
 * puts its identity into the firewall. A warm namespace is fresh (no task ever had it), is handed to one task only,
 * and goes with that task: nothing of one task is left for another. While it waits, the firewall drops everything
 * from and to its port ({@link #idleInterfaces()}).
 *
 * <p>One thread of its own makes them, one at a time, off the start path and after the tasks starting or stopping (a
 * bounded wait: {@link TaskTransitions}); a failure stops it until the next take or plan (no busy retry). No lock is held across a command: the lock guards the queue only.
 */
final class WarmNamespacePool
{
    private static final Logger log = LoggerFactory.getLogger(WarmNamespacePool.class);
    /** After a failed make, the filler waits this long (or for the next wake) before it tries again. */
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(5);
    /** How long a release waits for a namespace being made; beyond it, the filler removes that one itself. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(30);
    /**
     * How long a make waits for the host's tasks starting or stopping: a make is four processes, and run beside a
     * start it slows that start down; a host that starts tasks without a pause still gets one made this often.
     */
    static final Duration DEFER_AT_MOST = Duration.ofSeconds(3);

    /**
     * One warm namespace.
     *
     * @param id the container id the CNI plugins made its address under, and the name of its state file
     * @param subnet the host slice its address is in; mtu the bridge's task MTU it was made with; metadataPort the
     * metadata endpoint's port its DNAT leads to (0: none)
     * @param hostInterface its veth's host side, on the bridge
     */
    record WarmNamespace(String id, String namespace, String subnet, int mtu, int metadataPort, JsonNode addResult, String hostInterface)
    {
        WarmNamespace
        {
            requireNonNull(id, "id is null");
            requireNonNull(namespace, "namespace is null");
            requireNonNull(subnet, "subnet is null");
            requireNonNull(addResult, "addResult is null");
            requireNonNull(hostInterface, "hostInterface is null");
        }
    }

    /** What makes and removes warm namespaces on the host. */
    interface Maker
    {
        /** Makes one under the id, or fails having left nothing of it; empty when the host has no network plan yet. */
        Optional<WarmNamespace> make(String id)
                throws NetworkException;

        /** Removes one (its address, veth, namespace and state); fails naming what it could not remove. */
        void release(WarmNamespace warm)
                throws NetworkException;

        /** The set of idle ports changed: the firewall is rendered again. */
        void idleChanged()
                throws NetworkException;
    }

    private final int size;
    private final Maker maker;
    private final TaskTransitions transitions;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Deque<WarmNamespace> idle = new ArrayDeque<>();
    /** Taken out of the queue for not fitting; the filler releases them (their ports stay quarantined meanwhile). */
    private final List<WarmNamespace> stale = new ArrayList<>();
    /** Being released, or being handed to a task: their ports are quarantined until they are gone or the task's. */
    private final List<WarmNamespace> busy = new ArrayList<>();
    /** Whether the filler is making one now: a release waits for it, so nothing is made behind a stopped agent. */
    private boolean making;
    private final Condition made = lock.newCondition();
    private boolean woken;
    private boolean enabled;
    private Thread filler;

    WarmNamespacePool(int size, Maker maker)
    {
        this(size, maker, null);
    }

    /** transitions: the host's tasks starting or stopping, which each make waits for (at most {@link #DEFER_AT_MOST}); null: none is waited for. */
    WarmNamespacePool(int size, Maker maker, TaskTransitions transitions)
    {
        if (size < 0) {
            throw new IllegalArgumentException("the number of warm network namespaces cannot be negative: " + size);
        }
        this.size = size;
        this.maker = requireNonNull(maker, "maker is null");
        this.transitions = transitions;
    }

    int size()
    {
        return size;
    }

    /** Lets the pool fill (again), as after an agent's start; its thread starts on the first call. */
    void enable()
    {
        if (size == 0) {
            return;
        }
        lock.lock();
        try {
            enabled = true;
            if (filler == null) {
                filler = Thread.ofVirtual().name("warm-netns").start(this::fill);
            }
            woken = true;
            wake.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    /** Has the pool look whether it should make more (after a plan arrived or changed). */
    void refill()
    {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Hands out a warm namespace that fits (subnet, MTU), never the same one twice; the ones that do not fit any more
     * are released by the filler. Empty when none is ready: the caller makes one itself. Wakes the filler either way.
     * The one handed out stays among the idle ports until {@link #handedOut} (its task's state is written by then), so
     * no render between finds it neither idle nor the task's.
     */
    Optional<WarmNamespace> take(Predicate<WarmNamespace> fits)
    {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
            while (!idle.isEmpty()) {
                WarmNamespace next = idle.pollFirst();
                if (fits.test(next)) {
                    busy.add(next);
                    return Optional.of(next);
                }
                stale.add(next);
            }
            return Optional.empty();
        }
        finally {
            lock.unlock();
        }
    }

    /** The warm namespace taken is now its task's (or gone): its port is no longer idle. */
    void handedOut(WarmNamespace warm)
    {
        removeBusy(warm);
    }

    /** The host-side ports of every warm namespace not handed to a task: the firewall drops all their frames. */
    List<String> idleInterfaces()
    {
        lock.lock();
        try {
            List<String> ports = new ArrayList<>();
            idle.forEach(warm -> ports.add(warm.hostInterface()));
            busy.forEach(warm -> ports.add(warm.hostInterface()));
            stale.forEach(warm -> ports.add(warm.hostInterface()));
            return ports;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Stops filling and removes every warm namespace not handed out, as an agent stopping does; goes on past a failed
     * removal and returns what could not be removed (their state files stay for the next agent's start).
     */
    List<String> release()
    {
        List<WarmNamespace> leaving = new ArrayList<>();
        lock.lock();
        try {
            enabled = false;
            // each make has its commands' deadlines; this bounds the wait should one hang past them
            try {
                long left = RELEASE_WAIT.toNanos();
                while (making && left > 0) {
                    left = made.awaitNanos(left);
                }
            }
            catch (InterruptedException e) {
                // the ones made so far still go
                Thread.currentThread().interrupt();
            }
            leaving.addAll(idle);
            leaving.addAll(stale);
            idle.clear();
            stale.clear();
            busy.addAll(leaving);
        }
        finally {
            lock.unlock();
        }
        List<String> failures = new ArrayList<>();
        for (WarmNamespace warm : leaving) {
            try {
                maker.release(warm);
            }
            catch (NetworkException | RuntimeException e) {
                failures.add("warm network namespace " + warm.namespace() + " (" + e.getMessage() + ")");
            }
            finally {
                removeBusy(warm);
            }
        }
        return failures;
    }

    private void fill()
    {
        while (true) {
            WarmNamespace stalest;
            lock.lock();
            try {
                while (!woken) {
                    wake.await();
                }
                woken = false;
                stalest = stale.isEmpty() ? null : stale.removeFirst();
                if (stalest != null) {
                    busy.add(stalest);
                }
            }
            catch (InterruptedException e) {
                return;
            }
            finally {
                lock.unlock();
            }
            if (stalest != null) {
                releaseStale(stalest);
            }
            if (!fillOnce()) {
                pause(AFTER_FAILURE);
            }
        }
    }

    private void releaseStale(WarmNamespace warm)
    {
        try {
            maker.release(warm);
        }
        catch (NetworkException | RuntimeException e) {
            log.warn("cannot remove the warm network namespace {}, made for another plan: {}", warm.namespace(), e.getMessage());
        }
        finally {
            removeBusy(warm);
        }
        refill();
    }

    /** Makes warm namespaces until the pool is full; false when a make failed. */
    private boolean fillOnce()
    {
        while (true) {
            giveWayToTransitions();
            lock.lock();
            try {
                if (!enabled || idle.size() >= size) {
                    return true;
                }
                making = true;
            }
            finally {
                lock.unlock();
            }
            String id = "warm-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 12);
            Optional<WarmNamespace> one = Optional.empty();
            boolean kept = false;
            try {
                one = maker.make(id);
            }
            catch (NetworkException | RuntimeException e) {
                log.warn("cannot make a warm network namespace (tasks make their own meanwhile): {}", e.getMessage());
                return false;
            }
            finally {
                lock.lock();
                try {
                    making = false;
                    kept = enabled && one.isPresent();
                    if (kept) {
                        idle.addLast(one.get());
                    }
                    else if (one.isPresent()) {
                        busy.add(one.get());
                    }
                    made.signalAll();
                }
                finally {
                    lock.unlock();
                }
            }
            if (one.isEmpty()) {
                // no plan yet: the next plan wakes the filler
                return true;
            }
            if (!kept) {
                // the agent stopped while it was made
                try {
                    maker.release(one.get());
                }
                catch (NetworkException | RuntimeException e) {
                    log.warn("cannot remove the warm network namespace {}: {}", one.get().namespace(), e.getMessage());
                }
                finally {
                    removeBusy(one.get());
                }
                return true;
            }
            try {
                maker.idleChanged();
            }
            catch (NetworkException | RuntimeException e) {
                log.warn("cannot render the firewall for the warm network namespace {}: {}", one.get().namespace(), e.getMessage());
                return false;
            }
        }
    }

    private void giveWayToTransitions()
    {
        if (transitions != null) {
            transitions.giveWay(DEFER_AT_MOST);
        }
    }

    private void removeBusy(WarmNamespace warm)
    {
        lock.lock();
        try {
            busy.remove(warm);
        }
        finally {
            lock.unlock();
        }
    }

    private void pause(Duration duration)
    {
        lock.lock();
        try {
            long left = duration.toNanos();
            while (!woken && left > 0) {
                left = wake.awaitNanos(left);
            }
            // a wake during the pause is kept for the loop: it makes the filler look again at once
            woken = true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            lock.unlock();
        }
    }
}
