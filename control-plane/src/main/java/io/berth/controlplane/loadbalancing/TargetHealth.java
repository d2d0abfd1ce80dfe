package io.berth.controlplane.loadbalancing;

import static java.util.Objects.requireNonNull;

/**
 * A target's health as ELB describes it: state initial, healthy, unhealthy, unused or draining, with ELB's reason
 * code and description (null when healthy).
 */
public record TargetHealth(Target target, String state, String reason, String description)
{
    public TargetHealth
    {
        requireNonNull(target, "target is null");
        requireNonNull(state, "state is null");
    }
}
