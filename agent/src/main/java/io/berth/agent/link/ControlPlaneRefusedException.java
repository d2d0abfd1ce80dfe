package io.berth.agent.link;

/** The control plane refused this host (HTTP 401 or 403); the message says why and what to do. */
public final class ControlPlaneRefusedException
        extends RuntimeException
{
    private final int status;

    public ControlPlaneRefusedException(int status, String message)
    {
        super(message);
        this.status = status;
    }

    public int status()
    {
        return status;
    }
}
