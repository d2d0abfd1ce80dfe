package io.berth.common.agentprotocol;

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
}
