package io.berth.controlplane.api;

import static java.util.Objects.requireNonNull;

/**
 * An error the caller sees as {"__type": type, "message": message}: HTTP 400, or 500 for ServerException.
 */
public class EcsException
        extends RuntimeException
{
    private final String type;

    public EcsException(String type, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.type = requireNonNull(type, "type is null");
    }

    public String type()
    {
        return type;
    }

    public int httpStatus()
    {
        return type.equals("ServerException") ? 500 : 400;
    }

    public static EcsException clientException(String message)
    {
        return new EcsException("ClientException", message);
    }

    public static EcsException invalidParameter(String message)
    {
        return new EcsException("InvalidParameterException", message);
    }

    /** A request field of the wrong JSON type (a string where a list belongs): the body does not fit the model, as the AWS services answer. */
    public static EcsException serialization(String message)
    {
        return new EcsException("SerializationException", message);
    }

    public static EcsException clusterNotFound(String message)
    {
        return new EcsException("ClusterNotFoundException", message);
    }

    /** ECS's error for a resource that does not exist (an account, a host). */
    public static EcsException resourceNotFound(String message)
    {
        return new EcsException("ResourceNotFoundException", message);
    }

    public static EcsException accessDenied(String message)
    {
        return new EcsException("AccessDeniedException", message);
    }

    public static EcsException unsupportedFeature(String message)
    {
        return new EcsException("UnsupportedFeatureException", message);
    }
}
