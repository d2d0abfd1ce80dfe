package io.berth.agent.images;

import java.io.IOException;

/** A layer that tried something unsafe (escape its directory, write through a link); the whole layer is refused. */
public class LayerRejectedException
        extends IOException
{
    public LayerRejectedException(String message)
    {
        super(message);
    }
}
