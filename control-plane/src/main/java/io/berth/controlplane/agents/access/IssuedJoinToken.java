package io.berth.controlplane.agents.access;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A join token as the operator receives it once: "<tokenId>.<secret>", and its expiry (null: never). */
public record IssuedJoinToken(String token, Instant expiresAt)
{
    public IssuedJoinToken
    {
        requireNonNull(token, "token is null");
    }

    @Override
    public String toString()
    {
        return "IssuedJoinToken[expiresAt=" + expiresAt + "]";
    }
}
