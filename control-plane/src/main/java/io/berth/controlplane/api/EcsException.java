package io.berth.controlplane.api;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An error the caller sees as {"__type": type, "message": message}: HTTP 400, or 500 for ServerException.
 * resourceIds, when not empty, go into the body too (ECS's ConflictException carries them).
 */
public class EcsException
        extends RuntimeException
{
    private final String type;
    private final List<String> resourceIds;

    public EcsException(String type, String message)
    {
        this(type, message, List.of());
    }

    public EcsException(String type, String message, List<String> resourceIds)
    {
        super(requireNonNull(message, "message is null"));
        this.type = requireNonNull(type, "type is null");
        this.resourceIds = List.copyOf(resourceIds);
    }

    public List<String> resourceIds()
    {
        return resourceIds;
    }

    /** ECS's ConflictException: a clientToken used again with a different request; resourceIds are what it made first. */
    public static EcsException conflict(String message, List<String> resourceIds)
    {
        return new EcsException("ConflictException", message, resourceIds);
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
