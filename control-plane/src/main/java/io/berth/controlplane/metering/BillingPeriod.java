package io.berth.controlplane.metering;

import java.time.Instant;

/** The period [since, until) a bill covers; a null bound is open (since the first task, or with no end). */
public record BillingPeriod(Instant since, Instant until)
{
    public static final BillingPeriod ALL_TIME = new BillingPeriod(null, null);

    public BillingPeriod
    {
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("the period must end after it begins: since " + since + " is not before until " + until);
        }
    }
}
