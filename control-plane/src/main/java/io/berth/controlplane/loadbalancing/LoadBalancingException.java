package io.berth.controlplane.loadbalancing;

import static java.util.Objects.requireNonNull;

/** A refused load balancing request; the API edge maps the kind to ELB's error code. */
public final class LoadBalancingException
        extends RuntimeException
{
    public enum Kind
    {
        LOAD_BALANCER_NOT_FOUND,
        DUPLICATE_LOAD_BALANCER_NAME,
        TOO_MANY_LOAD_BALANCERS,
        TARGET_GROUP_NOT_FOUND,
        DUPLICATE_TARGET_GROUP_NAME,
        LISTENER_NOT_FOUND,
        DUPLICATE_LISTENER,
        RULE_NOT_FOUND,
        PRIORITY_IN_USE,
        RESOURCE_IN_USE,
        INVALID_TARGET,
        INVALID_CONFIGURATION,
        VALIDATION,
    }

    private final Kind kind;

    public LoadBalancingException(Kind kind, String message)
    {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }

    static LoadBalancingException validation(String message)
    {
        return new LoadBalancingException(Kind.VALIDATION, message);
    }
}
