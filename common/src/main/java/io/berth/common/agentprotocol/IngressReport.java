package io.berth.common.agentprotocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What an ingress host tells with each sync: that it serves load balancers (the control plane answers it an
 * {@link IngressPlan}), and the health its load balancer sees of each target, as of its last check.
 */
public record IngressReport(List<TargetHealth> targets)
{
    public IngressReport
    {
        targets = List.copyOf(targets);
    }

    /** state: healthy, unhealthy or initial; reason and description as ELB words them (null when healthy). */
    public record TargetHealth(String targetGroupArn, String address, int port, String state, String reason, String description)
    {
        public TargetHealth
        {
            requireNonNull(targetGroupArn, "targetGroupArn is null");
            requireNonNull(address, "address is null");
            requireNonNull(state, "state is null");
        }
    }
}
