package io.berth.common.agentprotocol;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** Who a host is and what it can hold: cpu in ECS cpu units, memory in MiB. */
public record HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes)
{
    public HostInfo
    {
        requireNonNull(hostId, "hostId is null");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
