package io.berth.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A Berth-specific endpoint beside the ECS API (under /berth/), signed with SigV4 like the ECS calls.
 * pathPattern uses {name} placeholders, e.g. "/berth/tasks/{taskId}/logs". Errors are thrown as
 * {@link EcsException}, or as the domain's exceptions (mapped by {@link EcsErrors}), and come back in the ECS error shape.
 */
public interface AdminEndpoint
{
    String method();

    String pathPattern();

    /** body is an empty object for requests without one. */
    JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body);
}
