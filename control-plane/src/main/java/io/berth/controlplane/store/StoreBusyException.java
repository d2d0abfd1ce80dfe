package io.berth.controlplane.store;

/**
 * No store connection came free within the pool's wait: a burst beyond what the store serves in time (every
 * transaction of a SQLite store takes its turn on one connection). The caller may simply try again later, so the
 * API answers it as throttling, never as a server error.
 */
public final class StoreBusyException
        extends StoreException
{
    public StoreBusyException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
