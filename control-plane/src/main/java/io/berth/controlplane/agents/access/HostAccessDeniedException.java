package io.berth.controlplane.agents.access;

/**
 * A host (or something claiming to be one) is refused. unauthenticated: no valid credential at all (HTTP 401);
 * otherwise the credential is valid but not for this request (HTTP 403). The message says what to do.
 */
public final class HostAccessDeniedException
        extends RuntimeException
{
    private final boolean unauthenticated;

    public HostAccessDeniedException(String message, boolean unauthenticated)
    {
        super(message);
        this.unauthenticated = unauthenticated;
    }

    public boolean unauthenticated()
    {
        return unauthenticated;
    }
}
