package io.berth.agent.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The tasks starting or stopping on this host, so that work done ahead of need (warm network namespaces, spare
 * formatted storage) waits for them instead of competing with them: on a host of two cores a `mkfs` or an `ip netns
 * add` run beside a start or a stop adds its cost to that task's latency, which is what a user waits on. Such work
 * waits at most a bound ({@link #giveWay}), so a host that starts tasks without a pause still gets its pools filled.
 * <p>
 * It also gives the tasks to start their turns ({@link #awaitStartTurn}): at most a few prepare and start at once, the
 * others wait in the order they came. A start is mostly processes (conmon, runc, mkfs, a user namespace's helper) that
 * keep the cores busy: fifty started at once share the cores to the end, and all become RUNNING together, after as
 * long as the whole burst takes; in turns the first are RUNNING at once and the whole burst takes no longer, as long
 * as enough run at once to keep the cores busy while some wait on the control plane or a disk (docs/benchmarks.md).
 */
public final class TaskTransitions
{
    /** Tasks that prepare and start at once, per core, by default: the fewest that kept a burst as short as with no limit. */
    public static final int STARTS_PER_CORE = 4;

    /** A task's turn to prepare and start; closing it (again: nothing more) gives the turn to the next task. */
    public final class StartTurn
            implements AutoCloseable
    {
        private final AtomicBoolean open = new AtomicBoolean(true);

        private StartTurn() {}

        @Override
        public void close()
        {
            if (open.compareAndSet(true, false)) {
                turnEnded();
            }
        }
    }

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
    /** Signalled when a turn ends, a waiter leaves the line, or a waiter may have given up ({@link #nudge}). */
    private final Condition turnFreed = lock.newCondition();
    private final int startTurns;
    /** The tasks waiting for a start turn, first come first; guarded by lock. */
    private final Deque<Object> waitingForTurn = new ArrayDeque<>();
    private int starting;
    private int underWay;
    /** System.nanoTime() when the last transition ended; guarded by lock. */
    private long lastEnded = System.nanoTime() - SETTLE.toNanos();

    /** With {@link #STARTS_PER_CORE} start turns per core of this machine. */
    public TaskTransitions()
    {
        this(STARTS_PER_CORE * Runtime.getRuntime().availableProcessors());
    }

    /** startTurns: how many tasks may prepare and start at once. */
    public TaskTransitions(int startTurns)
    {
        if (startTurns < 1) {
            throw new IllegalArgumentException("at least one task must be able to start at a time, got " + startTurns);
        }
        this.startTurns = startTurns;
    }

    /**
     * Waits until this task is the first of those waiting and fewer than the start turns are taken, then takes one;
     * empty, at once, once gaveUp says so (a stop asked of the waiting task: whoever asks it calls {@link #nudge}).
     */
    public Optional<StartTurn> awaitStartTurn(BooleanSupplier gaveUp)
            throws InterruptedException
    {
        Object place = new Object();
        lock.lock();
        try {
            waitingForTurn.addLast(place);
            try {
                while (!gaveUp.getAsBoolean()) {
                    if (waitingForTurn.peekFirst() == place && starting < startTurns) {
                        starting++;
                        return Optional.of(new StartTurn());
                    }
                    turnFreed.await();
                }
                return Optional.empty();
            }
            finally {
                // the next in line may go now, or be first
                waitingForTurn.remove(place);
                turnFreed.signalAll();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Has the tasks waiting for a start turn look again whether they gave up. */
    public void nudge()
    {
        lock.lock();
        try {
            turnFreed.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

    /** How many tasks wait for a start turn now. */
    public int waitingForStartTurn()
    {
        lock.lock();
        try {
            return waitingForTurn.size();
        }
        finally {
            lock.unlock();
        }
    }

    private void turnEnded()
    {
        lock.lock();
        try {
            starting--;
            turnFreed.signalAll();
        }
        finally {
            lock.unlock();
        }
    }

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
