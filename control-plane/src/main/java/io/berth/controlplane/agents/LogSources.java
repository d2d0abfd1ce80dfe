package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.TaskLogSource;

import java.util.Optional;

/** Finds the reader of task logs on a host; empty when the host is not reachable for logs. */
public interface LogSources
{
    Optional<TaskLogSource> forHost(String hostId);
}
