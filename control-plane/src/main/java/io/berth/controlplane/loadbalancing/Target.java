package io.berth.controlplane.loadbalancing;

import static java.util.Objects.requireNonNull;

/** A target of an ip target group: an IPv4 address (a task's, on the task network) and the port it serves on. */
public record Target(String id, int port)
{
    public Target
    {
        requireNonNull(id, "id is null");
        if (!id.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
            throw new LoadBalancingException(LoadBalancingException.Kind.INVALID_TARGET, "The target Id '" + id + "' is not an IPv4 address: target groups of type ip take IP addresses");
        }
        if (port < 1 || port > 65535) {
            throw new LoadBalancingException(LoadBalancingException.Kind.INVALID_TARGET, "Target port must be between 1 and 65535, got " + port);
        }
    }
}
