package io.berth.controlplane.api.ecr;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.SignedJsonAction;
import io.berth.controlplane.registry.RegistryUnavailableException;
import io.berth.controlplane.registry.RepositoryException;
import io.berth.controlplane.resources.InvalidRequestException;

import java.util.Set;
import java.util.function.BiFunction;

/**
 * One ECR action: refuses fields it does not know (none is silently ignored), runs the handler, and maps the
 * registry domain's errors to ECR's error shapes (RepositoryNotFoundException, ...).
 */
final class EcrAction
{
    private EcrAction() {}

    static EcsAction of(String name, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler)
    {
        return new SignedJsonAction(name, "ECR", fields, handler, EcrAction::error, "InvalidParameterException");
    }

    private static EcsException error(RuntimeException e)
    {
        return switch (e) {
            case RepositoryException repository -> new EcsException(switch (repository.kind()) {
                case REPOSITORY_NOT_FOUND -> "RepositoryNotFoundException";
                case REPOSITORY_ALREADY_EXISTS -> "RepositoryAlreadyExistsException";
                case REPOSITORY_NOT_EMPTY -> "RepositoryNotEmptyException";
                case IMAGE_NOT_FOUND -> "ImageNotFoundException";
            }, e.getMessage());
            case InvalidRequestException invalid -> EcsException.invalidParameter(invalid.getMessage());
            case RegistryUnavailableException unavailable -> new EcsException("ServerException", "The registry is unavailable: " + unavailable.getMessage());
            default -> null;
        };
    }
}
