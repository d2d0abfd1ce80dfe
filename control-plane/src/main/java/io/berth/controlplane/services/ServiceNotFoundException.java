package io.berth.controlplane.services;

import io.berth.controlplane.api.EcsException;

/** ECS's ServiceNotFoundException: no service of that name in the caller's cluster. */
public final class ServiceNotFoundException
        extends EcsException
{
    public ServiceNotFoundException()
    {
        super("ServiceNotFoundException", "Service not found.");
    }
}
