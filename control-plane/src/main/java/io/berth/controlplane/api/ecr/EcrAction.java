package io.berth.controlplane.api.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.registry.RegistryUnavailableException;
import io.berth.controlplane.registry.RepositoryException;
import io.berth.controlplane.resources.InvalidRequestException;

import java.util.Set;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * One ECR action: refuses fields it does not know (none is silently ignored), runs the handler, and maps the
 * registry domain's errors to ECR's error shapes (RepositoryNotFoundException, ...).
 */
record EcrAction(String name, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler)
        implements EcsAction
{
    EcrAction
    {
        requireNonNull(name, "name is null");
        fields = Set.copyOf(fields);
        requireNonNull(handler, "handler is null");
    }

    @Override
    public JsonNode handle(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnknownFields(request, fields, "ECR", name);
        try {
            return handler.apply(context, request);
        }
        catch (RepositoryException e) {
            throw new EcsException(switch (e.kind()) {
                case REPOSITORY_NOT_FOUND -> "RepositoryNotFoundException";
                case REPOSITORY_ALREADY_EXISTS -> "RepositoryAlreadyExistsException";
                case REPOSITORY_NOT_EMPTY -> "RepositoryNotEmptyException";
                case IMAGE_NOT_FOUND -> "ImageNotFoundException";
            }, e.getMessage());
        }
        catch (InvalidRequestException e) {
            throw EcsException.invalidParameter(e.getMessage());
        }
        catch (RegistryUnavailableException e) {
            throw new EcsException("ServerException", "The registry is unavailable: " + e.getMessage());
        }
    }
}
