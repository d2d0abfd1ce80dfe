package io.berth.controlplane.agents.access;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A stored join token: its id, the hash of its secret, when it stops working (null: never), and when the operator
 * revoked it (null: not revoked).
 */
public record JoinToken(String tokenId, String secretHash, Instant createdAt, Instant expiresAt, Instant revokedAt)
{
    public JoinToken
    {
        requireNonNull(tokenId, "tokenId is null");
        requireNonNull(secretHash, "secretHash is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public JoinToken(String tokenId, String secretHash, Instant createdAt, Instant expiresAt)
    {
        this(tokenId, secretHash, createdAt, expiresAt, null);
    }

    public boolean expired(Instant now)
    {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
