package io.berth.controlplane.leadership;

/** A controller's transaction refused because this replica does not (or no longer) lead: the decision is not written. */
public class NotLeaderException
        extends RuntimeException
{
    public NotLeaderException(String message)
    {
        super(message);
    }
}
