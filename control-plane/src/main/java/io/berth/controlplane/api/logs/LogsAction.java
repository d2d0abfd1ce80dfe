package io.berth.controlplane.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.logs.LogsException;

import java.util.Set;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * One CloudWatch Logs action: refuses fields it does not know (none is silently ignored), runs the handler, and maps
 * the logs domain's errors to CloudWatch's (ResourceNotFoundException, ResourceAlreadyExistsException,
 * InvalidParameterException).
 */
record LogsAction(String name, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler)
        implements EcsAction
{
    LogsAction
    {
        requireNonNull(name, "name is null");
        fields = Set.copyOf(fields);
        requireNonNull(handler, "handler is null");
    }

    @Override
    public JsonNode handle(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnknownFields(request, fields, "CloudWatch Logs", name);
        try {
            return handler.apply(context, request);
        }
        catch (LogsException e) {
            throw new EcsException(switch (e.kind()) {
                case RESOURCE_NOT_FOUND -> "ResourceNotFoundException";
                case RESOURCE_ALREADY_EXISTS -> "ResourceAlreadyExistsException";
                case INVALID_PARAMETER -> "InvalidParameterException";
            }, e.getMessage());
        }
    }
}
