package io.berth.cli.client;

import java.util.Optional;

/**
 * A call that failed, with a one-line message fit for the terminal. For errors the API returned, the message
 * is "{__type}: {message}" and {@link #errorType()} is the __type.
 */
public class BerthClientException
        extends RuntimeException
{
    private final String errorType;

    public BerthClientException(String message)
    {
        this(message, null, null);
    }

    public BerthClientException(String message, Throwable cause)
    {
        this(message, null, cause);
    }

    public BerthClientException(String message, String errorType, Throwable cause)
    {
        super(message, cause);
        this.errorType = errorType;
    }

    /** The API's __type (e.g. "ClusterNotFoundException") when the API answered with an error. */
    public Optional<String> errorType()
    {
        return Optional.ofNullable(errorType);
    }
}
