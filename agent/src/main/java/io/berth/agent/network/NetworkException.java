package io.berth.agent.network;

/** A task's network could not be set up or torn down; the message says why, fit for a user. */
public final class NetworkException
        extends Exception
{
    public NetworkException(String message)
    {
        super(message);
    }

    public NetworkException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
