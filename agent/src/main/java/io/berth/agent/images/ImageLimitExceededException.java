package io.berth.agent.images;

/** A layer that passed one of the {@link ImageLimits} while it was unpacked; the message names the limit and how to raise it. */
public class ImageLimitExceededException
        extends LayerRejectedException
{
    public ImageLimitExceededException(String message)
    {
        super(message);
    }
}
