package io.berth.common.agentprotocol;

import java.util.Optional;

/**
 * How an agent reaches the control plane. In-process for `berth up`; over HTTP with a join token when
 * hosts join over the network.
 */
public interface ControlPlaneLink
{
    SyncResponse sync(SyncRequest request);

    /**
     * Blocks until the desired state for the host may have changed, or the timeout passes, so that a new
     * task starts without waiting for the next heartbeat.
     */
    void awaitChange(String hostId, java.time.Duration timeout)
            throws InterruptedException;

    /**
     * As {@link #awaitChange}, telling what changed. A link that cannot tell says ANY for every wake-up, and a sync
     * follows, as it always did.
     */
    default HostChange awaitChanges(String hostId, java.time.Duration timeout)
            throws InterruptedException
    {
        awaitChange(hostId, timeout);
        return HostChange.ANY;
    }

    /**
     * The host's network plan alone, for a wake-up that said only the network changed (see {@link HostChange#NETWORK});
     * empty when this link cannot fetch it alone, or the control plane has no plan for the host: then a sync follows.
     */
    default Optional<NetworkPlan> network(String hostId)
    {
        return Optional.empty();
    }
}
