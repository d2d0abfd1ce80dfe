package io.berth.controlplane.loadbalancing;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** An HTTP listener on a port of its load balancer's address, forwarding what no rule takes to its default target group. */
public record Listener(String arn, String accountId, String loadBalancerArn, int port, String defaultTargetGroupArn, Instant createdAt)
{
    public Listener
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(loadBalancerArn, "loadBalancerArn is null");
        requireNonNull(defaultTargetGroupArn, "defaultTargetGroupArn is null");
        requireNonNull(createdAt, "createdAt is null");
        if (port < 1 || port > 65535) {
            throw LoadBalancingException.validation("Port must be between 1 and 65535, got " + port);
        }
    }
}
