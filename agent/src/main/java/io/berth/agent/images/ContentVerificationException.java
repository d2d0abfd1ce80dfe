package io.berth.agent.images;

import java.io.IOException;

/** Content whose digest or size differs from what its descriptor promised: corrupt or tampered. */
public class ContentVerificationException
        extends IOException
{
    public ContentVerificationException(String message)
    {
        super(message);
    }
}
