package io.berth.controlplane.credentials;

import static java.util.Objects.requireNonNull;

/**
 * A request signed with task role credentials that are not (or no longer) good: EXPIRED past their expiration,
 * INVALID when the token is not one Berth minted for that key or its task has stopped. The API edge maps it to
 * AWS's ExpiredTokenException and UnrecognizedClientException.
 */
public final class TaskCredentialsRejectedException
        extends RuntimeException
{
    public enum Reason { EXPIRED, INVALID }

    private final Reason reason;

    public TaskCredentialsRejectedException(Reason reason, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason()
    {
        return reason;
    }
}
