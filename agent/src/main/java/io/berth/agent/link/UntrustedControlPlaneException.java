package io.berth.agent.link;

/**
 * The agent refused the server it reached: it is not the control plane the join token pins (or cannot be checked),
 * so nothing was sent to it. Retrying will not help; the message says what to check.
 */
public final class UntrustedControlPlaneException
        extends RuntimeException
{
    public UntrustedControlPlaneException(String message)
    {
        super(message);
    }
}
