package io.berth.controlplane.logs;

import static java.util.Objects.requireNonNull;

/**
 * Why a logs request cannot be done; the CloudWatch Logs edge turns each kind into the error of that name. A group
 * of another account is NOT_FOUND, as one that does not exist: the caller learns nothing about it.
 */
public final class LogsException
        extends RuntimeException
{
    public enum Kind { RESOURCE_NOT_FOUND, RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER }

    private final Kind kind;

    public LogsException(Kind kind, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }

    static LogsException groupNotFound()
    {
        return new LogsException(Kind.RESOURCE_NOT_FOUND, "The specified log group does not exist.");
    }

    static LogsException streamNotFound()
    {
        return new LogsException(Kind.RESOURCE_NOT_FOUND, "The specified log stream does not exist.");
    }

    static LogsException groupExists()
    {
        return new LogsException(Kind.RESOURCE_ALREADY_EXISTS, "The specified log group already exists");
    }

    static LogsException streamExists()
    {
        return new LogsException(Kind.RESOURCE_ALREADY_EXISTS, "The specified log stream already exists");
    }

    public static LogsException invalid(String message)
    {
        return new LogsException(Kind.INVALID_PARAMETER, message);
    }
}
