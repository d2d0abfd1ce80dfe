package io.berth.controlplane.leadership;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The controllers' lease as stored: who holds it (null: nobody), the term it was taken in (each taking adds one, so a
 * deposed leader's epoch no longer matches), and when it lapses unless renewed.
 */
public record Lease(String holder, long epoch, Instant expiresAt)
{
    public Lease
    {
        requireNonNull(expiresAt, "expiresAt is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
    }

    /** Free to take at now: nobody holds it, or its holder did not renew it in time. */
    public boolean isFreeAt(Instant now)
    {
        return holder == null || !now.isBefore(expiresAt);
    }
}
