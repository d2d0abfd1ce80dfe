package io.berth.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One ECS action (RunTask, DescribeClusters, ...): decode the request body, call one service method,
 * encode the response. Throws {@link EcsException} for anything the caller did wrong (the domain's own exceptions
 * become one in {@link EcsErrors}).
 */
public interface EcsAction
{
    /** The name after "AmazonEC2ContainerServiceV20141113." in X-Amz-Target. */
    String name();

    JsonNode handle(RequestContext context, JsonNode request);
}
