package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.RequestContext;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** An admin endpoint made of a method, a path pattern and a lambda, so the fake control planes of these tests stay short. */
record LambdaAdminEndpoint(String method, String pathPattern, Handler handler)
        implements AdminEndpoint
{
    interface Handler
    {
        JsonNode handle(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body);
    }

    LambdaAdminEndpoint
    {
        requireNonNull(method, "method is null");
        requireNonNull(pathPattern, "pathPattern is null");
        requireNonNull(handler, "handler is null");
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        return handler.handle(context, pathParameters, query, body);
    }
}
