package io.berth.controlplane.store;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The placement lock held by a transaction of another thread until closed, as a placing RunTask round or sync holds it
 * (PostgreSQL: on SQLite the one connection would make everything else wait for it).
 */
public final class HeldPlacementLock
        implements AutoCloseable
{
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Future<?> holder;

    private HeldPlacementLock(Store store)
            throws InterruptedException
    {
        CountDownLatch held = new CountDownLatch(1);
        holder = thread.submit(() -> store.useTransaction(transaction -> {
            transaction.hosts().lockForPlacement();
            held.countDown();
            try {
                release.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        held.await();
    }

    /** Returns once the lock is held. */
    public static HeldPlacementLock hold(Store store)
            throws InterruptedException
    {
        return new HeldPlacementLock(store);
    }

    /** Commits the holding transaction. */
    @Override
    public void close()
            throws InterruptedException, ExecutionException
    {
        release.countDown();
        try {
            holder.get();
        }
        finally {
            thread.shutdown();
        }
    }
}
