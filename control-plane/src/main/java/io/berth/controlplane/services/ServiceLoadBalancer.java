package io.berth.controlplane.services;

import static java.util.Objects.requireNonNull;

/** An entry of a service's loadBalancers: its tasks' containerName listens on containerPort, registered in the target group. */
public record ServiceLoadBalancer(String targetGroupArn, String containerName, int containerPort)
{
    public ServiceLoadBalancer
    {
        requireNonNull(targetGroupArn, "targetGroupArn is null");
        requireNonNull(containerName, "containerName is null");
    }
}
