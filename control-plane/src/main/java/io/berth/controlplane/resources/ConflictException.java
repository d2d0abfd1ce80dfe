package io.berth.controlplane.resources;

import static java.util.Objects.requireNonNull;

/**
 * A well-formed request that the named resource's current state does not allow: a service that is no longer
 * ACTIVE, a cluster that still has services or tasks. The caller can act once the state changes.
 */
public final class ConflictException
        extends DomainException
{
    public enum Kind { SERVICE_NOT_ACTIVE, CLUSTER_CONTAINS_SERVICES, CLUSTER_CONTAINS_TASKS }

    private final Kind kind;

    public ConflictException(Kind kind, String message)
    {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }
}
