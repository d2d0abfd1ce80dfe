package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsErrors;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.resources.DomainException;

import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * An ECS action from its name and a handler method, so each feature keeps its actions in one small class. The
 * domain's {@link DomainException}s become ECS's error shape here, at the edge.
 */
record SimpleEcsAction(String name, BiFunction<RequestContext, JsonNode, JsonNode> handler)
        implements EcsAction
{
    SimpleEcsAction
    {
        requireNonNull(name, "name is null");
        requireNonNull(handler, "handler is null");
    }

    @Override
    public JsonNode handle(RequestContext context, JsonNode request)
    {
        try {
            return handler.apply(context, request);
        }
        catch (DomainException e) {
            throw EcsErrors.of(e);
        }
    }
}
