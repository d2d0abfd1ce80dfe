package io.berth.controlplane.patching;

import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;

/**
 * The hosts' agents as a patch run talks to them. Each call has a short deadline (the coordinator calls them from the
 * control plane's maintenance); a host that cannot be reached, or answers with an error, is an
 * {@link java.io.UncheckedIOException} saying so.
 */
public interface PatchAgents
{
    /** Starts the command on the host under patchId, unless it ran there already; how it goes either way. */
    PatchCommandStatus start(String hostId, String patchId, PatchCommandRequest request);

    /**
     * Starts the upgrade of the host's agent to another build under patchId, unless it was started there already; how
     * it goes either way (then as {@link #status}: the new agent process answers for it once it runs).
     */
    PatchCommandStatus upgrade(String hostId, String patchId, AgentUpgradeRequest request);

    /** How the patch's command goes on the host (UNKNOWN when its agent process has not run it). */
    PatchCommandStatus status(String hostId, String patchId);
}
