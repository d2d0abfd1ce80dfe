package io.berth.controlplane.secrets;

import static java.util.Objects.requireNonNull;

/** A Secrets Manager or Parameter Store call the domain refuses; the API edge maps the kind to each service's error. */
public final class SecretsException
        extends RuntimeException
{
    public enum Kind
    {
        /** No such secret or parameter in the caller's account (also: one of another account's). */
        NOT_FOUND,
        /** A secret or parameter of that name (or a version of that id) exists already. */
        ALREADY_EXISTS,
        /** A value of the wrong shape. */
        INVALID_PARAMETER,
        /** A valid request the resource's state does not allow (a secret scheduled for deletion). */
        INVALID_REQUEST,
    }

    private final Kind kind;

    public SecretsException(Kind kind, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }

    static SecretsException notFound(String message)
    {
        return new SecretsException(Kind.NOT_FOUND, message);
    }

    static SecretsException invalidParameter(String message)
    {
        return new SecretsException(Kind.INVALID_PARAMETER, message);
    }

    static SecretsException invalidRequest(String message)
    {
        return new SecretsException(Kind.INVALID_REQUEST, message);
    }
}
