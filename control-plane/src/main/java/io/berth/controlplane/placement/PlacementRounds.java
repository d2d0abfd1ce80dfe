package io.berth.controlplane.placement;

import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * Places new tasks in rounds shared by every RunTask of this replica, as a database commits a group of transactions in
 * one flush: a RunTask commits its tasks, then asks for a round; a round that starts after that places them, with every
 * other task waiting by then, in one transaction under the placement lock (see {@link TaskPlacer}). While a round runs,
 * the RunTasks that ask meanwhile wait for the next one, which then serves them all. Placing in each RunTask's own
 * transaction had every concurrent RunTask hold a database connection while it waited for the lock, which starved the
 * agents' syncs of connections (measured with a simulated fleet, docs/benchmarks.md), and read the whole cluster once
 * per RunTask instead of once per round.
 * <p>
 * A round that fails leaves its tasks waiting (PROVISIONING): the next round, the leader's placement pass or an agent's
 * sync places them, so a RunTask whose tasks are already committed never fails for it.
 */
public final class PlacementRounds
{
    private static final Logger log = LoggerFactory.getLogger(PlacementRounds.class);
    /** Passes of a round at most: a pass offers one batch of waiting tasks (a burst of RunTasks may leave more). */
    private static final int MAX_PASSES = 20;

    private final Store store;
    private final TaskPlacer placer;
    private final HostSignals hostSignals;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roundEnded = lock.newCondition();
    /** Asks so far, the asks the last ended round served (all those made before it started), and whether one runs. */
    private long asked;
    private long served;
    private boolean running;

    public PlacementRounds(Store store, TaskPlacer placer, HostSignals hostSignals, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.placer = requireNonNull(placer, "placer is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Returns once a round that started after this call has ended: every task committed before the call has then been
     * offered a host. The caller runs the round itself when none is running, so no thread of its own is needed.
     */
    public void placeCommitted()
    {
        lock.lock();
        try {
            long ticket = ++asked;
            while (served < ticket) {
                if (running) {
                    roundEnded.awaitUninterruptibly();
                    continue;
                }
                running = true;
                long covers = asked;
                lock.unlock();
                try {
                    runRound();
                }
                finally {
                    lock.lock();
                    running = false;
                    served = Math.max(served, covers);
                    roundEnded.signalAll();
                }
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Passes of the placer until nothing more is waiting or the last pass placed nothing, each its own transaction. */
    private void runRound()
    {
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            TaskPlacer.Pass placed;
            try {
                placed = store.inTransaction(transaction -> placer.pass(transaction, clock.instant()));
            }
            catch (RuntimeException e) {
                log.warn("A placement round failed; its tasks wait for the next round or the leader's placement pass: {}", e.toString());
                return;
            }
            placed.touched().forEach(hostSignals::signal);
            if (!placed.more()) {
                return;
            }
        }
    }
}
