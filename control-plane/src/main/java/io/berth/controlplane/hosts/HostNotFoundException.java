package io.berth.controlplane.hosts;

/** No host with this id has joined (or it was removed). */
public final class HostNotFoundException
        extends RuntimeException
{
    public HostNotFoundException(String hostId)
    {
        super("No host " + hostId + " has joined this control plane; `berth host ls` lists the hosts.");
    }
}
