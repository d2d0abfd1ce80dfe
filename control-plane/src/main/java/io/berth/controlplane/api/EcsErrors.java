package io.berth.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.resources.ConflictException;
import io.berth.controlplane.resources.DomainException;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.NotFoundException;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * How the domain's refusals read in ECS's error shape: the one place that knows which ECS __type each kind is.
 * The admin endpoints answer in the same shape, so they map the same way.
 */
public final class EcsErrors
{
    private EcsErrors() {}

    public static EcsException of(DomainException error)
    {
        String message = error.getMessage();
        return switch (error) {
            case InvalidRequestException invalid -> switch (invalid.kind()) {
                case REFUSED -> EcsException.clientException(message);
                case INVALID_VALUE -> EcsException.invalidParameter(message);
            };
            case NotFoundException missing -> switch (missing.resource()) {
                case CLUSTER -> EcsException.clusterNotFound(message);
                case SERVICE -> new EcsException("ServiceNotFoundException", message);
            };
            case ConflictException conflict -> switch (conflict.kind()) {
                case SERVICE_NOT_ACTIVE -> new EcsException("ServiceNotActiveException", message);
                case CLUSTER_CONTAINS_SERVICES -> new EcsException("ClusterContainsServicesException", message);
                case CLUSTER_CONTAINS_TASKS -> new EcsException("ClusterContainsTasksException", message);
            };
        };
    }

    /** endpoint, answering the domain's refusals in ECS's error shape as it answers its own. */
    public static AdminEndpoint mapping(AdminEndpoint endpoint)
    {
        return new MappedAdminEndpoint(endpoint);
    }

    private record MappedAdminEndpoint(AdminEndpoint delegate)
            implements AdminEndpoint
    {
        MappedAdminEndpoint
        {
            requireNonNull(delegate, "delegate is null");
        }

        @Override
        public String method()
        {
            return delegate.method();
        }

        @Override
        public String pathPattern()
        {
            return delegate.pathPattern();
        }

        @Override
        public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
        {
            try {
                return delegate.handle(context, pathParameters, query, body);
            }
            catch (DomainException e) {
                throw of(e);
            }
        }
    }
}
