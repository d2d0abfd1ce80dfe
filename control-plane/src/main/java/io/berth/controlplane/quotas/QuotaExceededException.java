package io.berth.controlplane.quotas;

import static java.util.Objects.requireNonNull;

/** A request that would take an account past one of its quotas; the message names the quota, its value and the use. */
public final class QuotaExceededException
        extends RuntimeException
{
    public QuotaExceededException(String message)
    {
        super(requireNonNull(message, "message is null"));
    }
}
