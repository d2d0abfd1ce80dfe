package io.berth.agent;

import io.berth.common.agentprotocol.HostInfo;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How an agent runs: who the host is, how often it heartbeats, and how long a stopped task's logs are
 * kept on the host (they are served until the control plane forgets the task).
 */
public record AgentConfig(HostInfo host, Duration heartbeatInterval, Duration stoppedTaskRetention)
{
    public AgentConfig
    {
        requireNonNull(host, "host is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
    }
}
