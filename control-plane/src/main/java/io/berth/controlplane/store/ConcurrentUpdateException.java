package io.berth.controlplane.store;

/**
 * Another transaction changed the same row first. {@link Store#inTransaction} runs the whole transaction
 * again, so callers re-read and re-apply their change instead of overwriting the other one.
 */
public class ConcurrentUpdateException
        extends StoreException
{
    public ConcurrentUpdateException(String message)
    {
        super(message, null);
    }

    public ConcurrentUpdateException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
