package io.berth.common.agentprotocol;

import java.util.List;

/**
 * Where an account's tasks may send traffic outside the cluster's task network, as the operator restricted it:
 * only to the listed IPv4 networks (CIDR); an empty list denies all egress. The task metadata endpoint and the
 * control plane's API stay reachable either way.
 */
public record EgressPolicy(List<String> allowedCidrs)
{
    public EgressPolicy
    {
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
    }

    public static EgressPolicy denyAll()
    {
        return new EgressPolicy(List.of());
    }

    public boolean deniesAll()
    {
        return allowedCidrs.isEmpty();
    }
}
