package io.berth.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * One action of a JSON 1.1 service beside ECS: refuses request fields it does not know (none is silently ignored),
 * runs the handler, and maps what the handler throws to the service's own error shapes with errors (which
 * returns null for what it does not map).
 */
public record SignedJsonAction(String name, String service, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler,
        Function<RuntimeException, EcsException> errors, String unknownFieldError)
        implements EcsAction
{
    public SignedJsonAction
    {
        requireNonNull(name, "name is null");
        requireNonNull(service, "service is null");
        fields = Set.copyOf(fields);
        requireNonNull(handler, "handler is null");
        requireNonNull(errors, "errors is null");
        requireNonNull(unknownFieldError, "unknownFieldError is null");
    }

    @Override
    public JsonNode handle(RequestContext context, JsonNode request)
    {
        Set<String> unknown = new TreeSet<>();
        request.fieldNames().forEachRemaining(field -> {
            if (!fields.contains(field)) {
                unknown.add(field);
            }
        });
        if (!unknown.isEmpty()) {
            throw new EcsException(unknownFieldError, "Berth's " + service + " does not support " + String.join(", ", unknown) + " in " + name
                    + "; it takes " + new TreeSet<>(fields) + ".");
        }
        try {
            return handler.apply(context, request);
        }
        catch (RuntimeException e) {
            EcsException mapped = errors.apply(e);
            if (mapped == null) {
                throw e;
            }
            throw mapped;
        }
    }
}
