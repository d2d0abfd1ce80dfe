package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.controlplane.agents.LogSourceRegistry;
import io.berth.controlplane.agents.LogSources;
import io.berth.controlplane.agents.access.ControlPlaneIdentity;
import io.berth.controlplane.store.Store;

import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Finds a host's log reader: one registered in this process if any, else the agent endpoint the host announced
 * in its heartbeat (address and agentPort), called as every agent is ({@link AgentEndpointCalls}).
 */
public final class HostLogSources
        implements LogSources
{
    private final LogSourceRegistry registered;
    private final AgentEndpointCalls calls;

    public HostLogSources(LogSourceRegistry registered, Store store, ControlPlaneIdentity identity)
    {
        this.registered = requireNonNull(registered, "registered is null");
        this.calls = new AgentEndpointCalls(store, identity, Duration.ofSeconds(5));
    }

    @Override
    public Optional<TaskLogSource> forHost(String hostId)
    {
        Optional<TaskLogSource> local = registered.forHost(hostId);
        if (local.isPresent()) {
            return local;
        }
        return calls.endpointOf(hostId).map(endpoint -> new RemoteTaskLogSource(calls, hostId));
    }
}
