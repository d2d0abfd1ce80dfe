package io.berth.controlplane.idempotency;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** What a client token was first used for: the request's digest, the ARNs it made, and when. */
public record IdempotentRequest(String requestDigest, List<String> resourceArns, Instant createdAt)
{
    public IdempotentRequest
    {
        requireNonNull(requestDigest, "requestDigest is null");
        resourceArns = List.copyOf(resourceArns);
        requireNonNull(createdAt, "createdAt is null");
    }
}
