package io.berth.common.agentprotocol;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Who a host is and what it can hold: cpu in ECS cpu units, memory in MiB. agentPort is the port of the
 * agent's own HTTP endpoint on address (where the control plane reads task logs); 0 when it has none.
 */
public record HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes, int agentPort)
{
    public HostInfo
    {
        requireNonNull(hostId, "hostId is null");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (agentPort < 0 || agentPort > 65535) {
            throw new IllegalArgumentException("agentPort out of range: " + agentPort);
        }
    }

    /** A host without an agent endpoint. */
    public HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes)
    {
        this(hostId, address, cpu, memoryMiB, attributes, 0);
    }

    public HostInfo withAgentPort(int port)
    {
        return new HostInfo(hostId, address, cpu, memoryMiB, attributes, port);
    }
}
