package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.TaskLogSource;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static java.util.Objects.requireNonNull;

/** Log readers that hosts registered in this process (the all-in-one agent registers its own). */
public final class LogSourceRegistry
        implements LogSources
{
    private final ConcurrentMap<String, TaskLogSource> sources = new ConcurrentHashMap<>();

    public void register(String hostId, TaskLogSource source)
    {
        sources.put(requireNonNull(hostId, "hostId is null"), requireNonNull(source, "source is null"));
    }

    public void unregister(String hostId)
    {
        sources.remove(hostId);
    }

    @Override
    public Optional<TaskLogSource> forHost(String hostId)
    {
        return Optional.ofNullable(sources.get(hostId));
    }
}
