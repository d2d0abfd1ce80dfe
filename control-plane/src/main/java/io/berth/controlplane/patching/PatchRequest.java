package io.berth.controlplane.patching;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the operator asks of a patch: the hosts, in order (or all, every joined host in id order), the command, how many
 * hosts may be out of service at once, whether the command restarts the agent or host, the command's deadline (with
 * reboot: also the host's return) and each host's drain deadline. Checked by {@link PatchService#start}. upgrade: the
 * build to upgrade the agents to instead of a command (`berth host upgrade`), null for a patch.
 */
public record PatchRequest(List<String> hostIds, boolean all, String command, int maxUnavailable, boolean reboot, Duration commandTimeout, Duration drainDeadline,
                           AgentUpgradeTarget upgrade)
{
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_COMMAND_TIMEOUT = Duration.ofHours(24);

    public PatchRequest
    {
        hostIds = List.copyOf(hostIds);
        requireNonNull(command, "command is null");
        requireNonNull(commandTimeout, "commandTimeout is null");
        requireNonNull(drainDeadline, "drainDeadline is null");
    }

    /** A patch: a command on each host. */
    public PatchRequest(List<String> hostIds, boolean all, String command, int maxUnavailable, boolean reboot, Duration commandTimeout, Duration drainDeadline)
    {
        this(hostIds, all, command, maxUnavailable, reboot, commandTimeout, drainDeadline, null);
    }

    /** An upgrade of the agents to a build: no drain, and each agent restarts (as the new build) within commandTimeout. */
    public static PatchRequest upgrade(List<String> hostIds, boolean all, AgentUpgradeTarget upgrade, int maxUnavailable, Duration timeout)
    {
        return new PatchRequest(hostIds, all, upgrade.description(), maxUnavailable, true, timeout, Duration.ZERO, upgrade);
    }
}
