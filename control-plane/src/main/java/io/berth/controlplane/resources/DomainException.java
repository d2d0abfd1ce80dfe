package io.berth.controlplane.resources;

import static java.util.Objects.requireNonNull;

/**
 * The domain's refusal of a request, with a message for the caller that says what to fix. The domain throws only
 * these (it knows no wire format); each API edge maps them to its protocol's error shape (for ECS,
 * {@code api.EcsErrors}). Each member of the family carries a kind, so a new kind is a compile error at every
 * edge's mapping until it is mapped there.
 */
public abstract sealed class DomainException
        extends RuntimeException
        permits InvalidRequestException, NotFoundException, ConflictException
{
    protected DomainException(String message)
    {
        super(requireNonNull(message, "message is null"));
    }
}
