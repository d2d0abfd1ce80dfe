package io.berth.controlplane.network;

/** Every slice of the task CIDR belongs to a host already: the operator must remove hosts or widen the plan. */
public final class AddressSpaceExhaustedException
        extends RuntimeException
{
    public AddressSpaceExhaustedException(String message)
    {
        super(message);
    }
}
