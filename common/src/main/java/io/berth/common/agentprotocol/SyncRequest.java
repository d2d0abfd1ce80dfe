package io.berth.common.agentprotocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** An agent's heartbeat: who it is, and the actual state of every task it holds. */
public record SyncRequest(HostInfo host, List<TaskReport> tasks)
{
    public SyncRequest
    {
        requireNonNull(host, "host is null");
        tasks = List.copyOf(tasks);
    }
}
