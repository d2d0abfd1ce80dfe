package io.berth.controlplane.scheduler;

/** A placement constraint or strategy that cannot be understood; the message says what to fix. */
public final class PlacementExpressionException
        extends IllegalArgumentException
{
    public PlacementExpressionException(String message)
    {
        super(message);
    }
}
