package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** An admin endpoint only the operator account may call; tenants get AccessDeniedException. */
record OperatorEndpoint(String method, String pathPattern, Handler handler)
        implements AdminEndpoint
{
    interface Handler
    {
        JsonNode handle(Map<String, String> pathParameters, Map<String, String> query, JsonNode body);
    }

    OperatorEndpoint
    {
        requireNonNull(method, "method is null");
        requireNonNull(pathPattern, "pathPattern is null");
        requireNonNull(handler, "handler is null");
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can manage hosts and read placement details; sign the request with the operator's access key.");
        }
        return handler.handle(pathParameters, query, body);
    }
}
