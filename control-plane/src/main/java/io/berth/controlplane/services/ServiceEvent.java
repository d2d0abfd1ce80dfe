package io.berth.controlplane.services;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One line of a service's events[], in ECS's words ("(service web) has reached a steady state."). */
public record ServiceEvent(String id, Instant createdAt, String message)
{
    public ServiceEvent
    {
        requireNonNull(id, "id is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(message, "message is null");
    }
}
