package io.berth.controlplane.resources;

import static java.util.Objects.requireNonNull;

/**
 * A request the domain refuses, with a message for the caller that names the field and says what to fix. The
 * API edge maps it to each protocol's error: for ECS, REFUSED is a ClientException (a valid value the platform
 * does not allow, such as privileged on Fargate) and INVALID_VALUE an InvalidParameterException (a value of the
 * wrong type or shape).
 */
public final class InvalidRequestException
        extends DomainException
{
    public enum Kind { REFUSED, INVALID_VALUE }

    private final Kind kind;

    public InvalidRequestException(Kind kind, String message)
    {
        super(message);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public static InvalidRequestException refused(String message)
    {
        return new InvalidRequestException(Kind.REFUSED, message);
    }

    public static InvalidRequestException invalidValue(String message)
    {
        return new InvalidRequestException(Kind.INVALID_VALUE, message);
    }

    public Kind kind()
    {
        return kind;
    }
}
