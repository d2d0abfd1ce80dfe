package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.scheduler.HostState;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A host as the control plane knows it: what its agent last said, and when; the state the operator set
 * (ACTIVE, CORDONED or DRAINING, with the drain's deadline); when it was marked lost (null while it heartbeats);
 * attributes the operator added to the agent's; and its slice of the task CIDR (null until its first sync gives
 * it one; kept for the host's life).
 */
public record Host(HostInfo info, Instant lastHeartbeat, HostState operatorState, Instant lostAt, Instant drainDeadline, Map<String, String> operatorAttributes,
                   String taskSubnet)
{
    public Host
    {
        requireNonNull(info, "info is null");
        requireNonNull(lastHeartbeat, "lastHeartbeat is null");
        requireNonNull(operatorState, "operatorState is null");
        operatorAttributes = operatorAttributes == null ? Map.of() : Map.copyOf(operatorAttributes);
    }

    public Host(HostInfo info, Instant lastHeartbeat)
    {
        this(info, lastHeartbeat, HostState.ACTIVE, null, null, Map.of(), null);
    }

    public String hostId()
    {
        return info.hostId();
    }

    /** LOST while the host is marked lost, otherwise the operator's state. */
    public HostState state()
    {
        return lostAt != null ? HostState.LOST : operatorState;
    }

    /** The agent's attributes with the operator's on top. */
    public Map<String, String> attributes()
    {
        Map<String, String> merged = new HashMap<>(info.attributes());
        merged.putAll(operatorAttributes);
        return Map.copyOf(merged);
    }
}
