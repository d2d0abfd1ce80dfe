package io.berth.agent.images;

/** A pull that failed; the message says why, in words a user can act on. */
public class ImagePullException
        extends Exception
{
    public ImagePullException(String message)
    {
        super(message);
    }

    public ImagePullException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
