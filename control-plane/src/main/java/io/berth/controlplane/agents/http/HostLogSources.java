package io.berth.controlplane.agents.http;

import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.agents.LogSourceRegistry;
import io.berth.controlplane.agents.LogSources;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.store.Store;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Finds a host's log reader: one registered in this process if any, else the agent endpoint the host announced
 * in its heartbeat (address and agentPort), signed with the host's credential.
 */
public final class HostLogSources
        implements LogSources
{
    private final LogSourceRegistry registered;
    private final Store store;
    private final HostAccess access;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public HostLogSources(LogSourceRegistry registered, Store store, HostAccess access, Clock clock)
    {
        this.registered = requireNonNull(registered, "registered is null");
        this.store = requireNonNull(store, "store is null");
        this.access = requireNonNull(access, "access is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public Optional<TaskLogSource> forHost(String hostId)
    {
        Optional<TaskLogSource> local = registered.forHost(hostId);
        if (local.isPresent()) {
            return local;
        }
        Optional<String> hostAndPort = store.inTransaction(transaction -> transaction.hosts().find(hostId)).map(Host::info)
                .flatMap(AgentEndpointCalls::hostAndPort);
        if (hostAndPort.isEmpty()) {
            return Optional.empty();
        }
        return access.secretHash(hostId).map(hash -> new RemoteTaskLogSource(http, hostId, hostAndPort.get(), hash, clock));
    }
}
