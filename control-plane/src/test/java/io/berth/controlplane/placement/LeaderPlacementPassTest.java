package io.berth.controlplane.placement;

import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.store.HeldPlacementLock;
import io.berth.controlplane.store.Store;
import io.berth.testing.TestPostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The leader's placement pass runs in a transaction that holds the lease row (its fence). Measured with a simulated fleet:
 * while RunTasks' placement rounds held the placement lock, the pass waited for it with the lease row locked, the
 * leader's renewal timed out behind it, and the leader lost its lease. The pass now places only when nobody else is.
 */
class LeaderPlacementPassTest
{
    @RegisterExtension
    static final TestPostgresExtension postgres = new TestPostgresExtension();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theLeadersPassDoesNotWaitForAPlacementLockAnotherTransactionHolds()
            throws Exception
    {
        try (ControlPlane controlPlane = new ControlPlane(ControlPlaneConfig.of(postgres.jdbcUrl()));
                Store other = Store.open(postgres.jdbcUrl());
                ExecutorService threads = Executors.newSingleThreadExecutor()) {
            // a task waits, so the pass has something to place
            other.useTransaction(transaction -> transaction.tasks().insert(WaitingTasks.task()));
            try (HeldPlacementLock ignored = HeldPlacementLock.hold(other)) {
                // the pass (the whole maintenance step) ends while the lock is still held elsewhere
                threads.submit(controlPlane::runMaintenance).get(15, TimeUnit.SECONDS);
            }
        }
    }
}
