package io.berth.controlplane.loadbalancing;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** An application load balancer: its own address on the ingress hosts, where its listeners bind. */
public record LoadBalancer(String arn, String accountId, String name, String address, Instant createdAt)
{
    public LoadBalancer
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(address, "address is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
