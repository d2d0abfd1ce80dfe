package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.HostInfo;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A host as the control plane knows it: what its agent last said, and when. */
public record Host(HostInfo info, Instant lastHeartbeat)
{
    public Host
    {
        requireNonNull(info, "info is null");
        requireNonNull(lastHeartbeat, "lastHeartbeat is null");
    }

    public String hostId()
    {
        return info.hostId();
    }
}
