package io.berth.controlplane.patching;

import io.berth.common.patching.AgentUpgradeRequest;

import static java.util.Objects.requireNonNull;

/**
 * The build a run upgrades the hosts' agents to (`berth host upgrade`): where each host fetches it (an http or https URL,
 * or a path on the host) and the SHA-256 it must have; checked as {@link AgentUpgradeRequest} checks it.
 */
public record AgentUpgradeTarget(String build, String sha256)
{
    public AgentUpgradeTarget
    {
        requireNonNull(build, "build is null");
        requireNonNull(sha256, "sha256 is null");
        new AgentUpgradeRequest(build, sha256, 1);
    }

    /** The request to one host's agent, with the run's deadline. */
    public AgentUpgradeRequest request(long timeoutSeconds)
    {
        return new AgentUpgradeRequest(build, sha256, timeoutSeconds);
    }

    /** What a run of this upgrade shows as its command. */
    public String description()
    {
        return "upgrade the agent to " + build + " (sha256 " + sha256 + ")";
    }
}
