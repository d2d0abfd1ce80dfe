package io.berth.controlplane.resources;

import static java.util.Objects.requireNonNull;

/**
 * A resource the request names that the caller's account does not have (another account's resource is not found
 * either: an account never learns of another's resources). Not final, so a feature may give its own a name.
 */
public non-sealed class NotFoundException
        extends DomainException
{
    public enum Resource { CLUSTER, SERVICE }

    private final Resource resource;

    public NotFoundException(Resource resource, String message)
    {
        super(message);
        this.resource = requireNonNull(resource, "resource is null");
    }

    public static NotFoundException cluster(String message)
    {
        return new NotFoundException(Resource.CLUSTER, message);
    }

    public Resource resource()
    {
        return resource;
    }
}
