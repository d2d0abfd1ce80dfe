package io.berth.controlplane.api.logs;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.SignedJsonAction;
import io.berth.controlplane.logs.LogsException;

import java.util.Set;
import java.util.function.BiFunction;

/**
 * One CloudWatch Logs action: refuses fields it does not know (none is silently ignored), runs the handler, and maps
 * the logs domain's errors to CloudWatch's (ResourceNotFoundException, ResourceAlreadyExistsException,
 * InvalidParameterException).
 */
final class LogsAction
{
    private LogsAction() {}

    static EcsAction of(String name, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler)
    {
        return new SignedJsonAction(name, "CloudWatch Logs", fields, handler, LogsAction::error, "InvalidParameterException");
    }

    private static EcsException error(RuntimeException e)
    {
        if (!(e instanceof LogsException logs)) {
            return null;
        }
        return new EcsException(switch (logs.kind()) {
            case RESOURCE_NOT_FOUND -> "ResourceNotFoundException";
            case RESOURCE_ALREADY_EXISTS -> "ResourceAlreadyExistsException";
            case INVALID_PARAMETER -> "InvalidParameterException";
        }, logs.getMessage());
    }
}
