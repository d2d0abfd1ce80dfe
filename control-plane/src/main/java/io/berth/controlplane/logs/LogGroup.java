package io.berth.controlplane.logs;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A log group of an account; retentionDays is null when its events never expire. storedBytes is what its events hold. */
public record LogGroup(String accountId, String name, Instant createdAt, Integer retentionDays, long storedBytes)
{
    public LogGroup
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
