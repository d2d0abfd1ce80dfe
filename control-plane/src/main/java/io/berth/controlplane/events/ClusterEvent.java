package io.berth.controlplane.events;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * One decision of the control plane. eventId is 0 until the event is stored. accountId is the owner of resource (a
 * task or service ARN), null for a host event (resource is then the host id); hostId is the host involved, if any.
 */
public record ClusterEvent(long eventId, Instant occurredAt, EventType type, String accountId, String resource, String hostId, String message)
{
    public static final int MAX_MESSAGE_LENGTH = 2048;

    public ClusterEvent
    {
        if (eventId < 0) {
            throw new IllegalArgumentException("eventId is negative");
        }
        requireNonNull(occurredAt, "occurredAt is null");
        requireNonNull(type, "type is null");
        requireNonNull(resource, "resource is null");
        requireNonNull(message, "message is null");
        if (message.length() > MAX_MESSAGE_LENGTH) {
            // a stop reason can quote a long error: the event keeps its start, DescribeTasks has the rest
            message = message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
        }
    }

    /** An event not yet stored. */
    public static ClusterEvent of(Instant occurredAt, EventType type, String accountId, String resource, String hostId, String message)
    {
        return new ClusterEvent(0, occurredAt, type, accountId, resource, hostId, message);
    }

    public ClusterEvent withId(long id)
    {
        return new ClusterEvent(id, occurredAt, type, accountId, resource, hostId, message);
    }
}
