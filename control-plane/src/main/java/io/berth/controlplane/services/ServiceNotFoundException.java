package io.berth.controlplane.services;

import io.berth.controlplane.resources.NotFoundException;

/** No service of that name in the caller's cluster (ECS's ServiceNotFoundException). */
public final class ServiceNotFoundException
        extends NotFoundException
{
    public ServiceNotFoundException()
    {
        super(Resource.SERVICE, "Service not found.");
    }
}
