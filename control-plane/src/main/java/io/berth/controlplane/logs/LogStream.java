package io.berth.controlplane.logs;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A stream of a log group. The event times are null until the first event arrives. nextSequence numbers the next
 * event to arrive; streamKey makes the ids of its events unique within the group. storedBytes is what its events hold.
 */
public record LogStream(
        String accountId,
        String groupName,
        String name,
        long streamKey,
        Instant createdAt,
        Instant firstEventAt,
        Instant lastEventAt,
        Instant lastIngestionAt,
        long nextSequence,
        long storedBytes)
{
    public LogStream
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(groupName, "groupName is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
        if (nextSequence < 1) {
            throw new IllegalArgumentException("nextSequence must be positive: " + nextSequence);
        }
    }

    /** The sequence of the last event stored; 0 for an empty stream. */
    public long lastSequence()
    {
        return nextSequence - 1;
    }
}
