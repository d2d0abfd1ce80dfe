package io.berth.controlplane.hosts;

import static java.util.Objects.requireNonNull;

/** What removing a host did: which host, the slice it gave back (null if it had none), and how many of its tasks were recorded STOPPED. */
public record HostRemoval(String hostId, String taskSubnet, int stoppedTasks)
{
    public HostRemoval
    {
        requireNonNull(hostId, "hostId is null");
        if (stoppedTasks < 0) {
            throw new IllegalArgumentException("stoppedTasks is negative: " + stoppedTasks);
        }
    }
}
