package io.berth.agent;

import io.berth.agent.metadata.TaskMetadataServer;
import io.berth.common.agentprotocol.HostInfo;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How an agent runs: who the host is, how often it heartbeats, and how long a stopped task's logs are
 * kept on the host (they are served until the control plane forgets the task). metadataPort is the port of
 * the task metadata endpoint on the tasks' gateway address: 0 takes any free port, -1 turns it off.
 */
public record AgentConfig(HostInfo host, Duration heartbeatInterval, Duration stoppedTaskRetention, int metadataPort)
{
    public static final int METADATA_OFF = -1;

    public AgentConfig
    {
        requireNonNull(host, "host is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        if (metadataPort < METADATA_OFF || metadataPort > 65535) {
            throw new IllegalArgumentException("invalid task metadata port " + metadataPort + ": use 1 to 65535, 0 for any free port, or -1 for none");
        }
    }

    /** With the task metadata endpoint on its default port. */
    public AgentConfig(HostInfo host, Duration heartbeatInterval, Duration stoppedTaskRetention)
    {
        this(host, heartbeatInterval, stoppedTaskRetention, TaskMetadataServer.DEFAULT_PORT);
    }

    public AgentConfig withMetadataPort(int port)
    {
        return new AgentConfig(host, heartbeatInterval, stoppedTaskRetention, port);
    }
}
