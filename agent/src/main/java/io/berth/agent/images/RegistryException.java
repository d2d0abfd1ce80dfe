package io.berth.agent.images;

import static java.util.Objects.requireNonNull;

/** A registry request that failed, with a kind the caller can branch on and a message a user can act on. */
public class RegistryException
        extends Exception
{
    public enum Kind
    {
        NOT_FOUND, UNAUTHORIZED, DENIED, UNREACHABLE, INVALID_CONTENT, PROTOCOL
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message)
    {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public RegistryException(Kind kind, String message, Throwable cause)
    {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }
}
