package io.berth.controlplane.idempotency;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A client token used again, within its window, with a different request. resourceArns are what the token's first
 * request made (ECS's ConflictException on RunTask carries them as resourceIds).
 */
public final class IdempotencyConflictException
        extends RuntimeException
{
    private final List<String> resourceArns;

    public IdempotencyConflictException(String message, List<String> resourceArns)
    {
        super(requireNonNull(message, "message is null"));
        this.resourceArns = List.copyOf(resourceArns);
    }

    public List<String> resourceArns()
    {
        return resourceArns;
    }
}
