package io.berth.controlplane.agents.access;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A stored join token: its id, the hash of its secret, and when it stops working (null: never). */
public record JoinToken(String tokenId, String secretHash, Instant createdAt, Instant expiresAt)
{
    public JoinToken
    {
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(secretHash, "secretHash is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public boolean expired(Instant now)
    {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
