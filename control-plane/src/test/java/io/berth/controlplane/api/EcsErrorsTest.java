package io.berth.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.resources.ConflictException;
import io.berth.controlplane.resources.DomainException;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.NotFoundException;
import io.berth.controlplane.services.ServiceNotFoundException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EcsErrorsTest
{
    @Test
    void everyKindHasTheEcsTypeTheApiAlwaysGave()
    {
        assertMapped(InvalidRequestException.refused("no"), "ClientException");
        assertMapped(InvalidRequestException.invalidValue("bad"), "InvalidParameterException");
        assertMapped(NotFoundException.cluster("Cluster not found."), "ClusterNotFoundException");
        assertMapped(new ServiceNotFoundException(), "ServiceNotFoundException");
        assertMapped(new ConflictException(ConflictException.Kind.SERVICE_NOT_ACTIVE, "Service was not ACTIVE."), "ServiceNotActiveException");
        assertMapped(new ConflictException(ConflictException.Kind.CLUSTER_CONTAINS_SERVICES, "services"), "ClusterContainsServicesException");
        assertMapped(new ConflictException(ConflictException.Kind.CLUSTER_CONTAINS_TASKS, "tasks"), "ClusterContainsTasksException");
    }

    @Test
    void everyKindIsAClientError()
    {
        for (InvalidRequestException.Kind kind : InvalidRequestException.Kind.values()) {
            assertThat(EcsErrors.of(new InvalidRequestException(kind, "m")).httpStatus()).isEqualTo(400);
        }
        for (NotFoundException.Resource resource : NotFoundException.Resource.values()) {
            assertThat(EcsErrors.of(new NotFoundException(resource, "m")).httpStatus()).isEqualTo(400);
        }
        for (ConflictException.Kind kind : ConflictException.Kind.values()) {
            assertThat(EcsErrors.of(new ConflictException(kind, "m")).httpStatus()).isEqualTo(400);
        }
    }

    @Test
    void adminEndpointAnswersDomainRefusalsInTheEcsShape()
    {
        AdminEndpoint refusing = new AdminEndpoint()
        {
            @Override
            public String method()
            {
                return "POST";
            }

            @Override
            public String pathPattern()
            {
                return "/berth/things/{id}";
            }

            @Override
            public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
            {
                throw InvalidRequestException.invalidValue("The deadline cannot be negative, got -5.");
            }
        };
        AdminEndpoint mapped = EcsErrors.mapping(refusing);
        assertThat(mapped.method()).isEqualTo("POST");
        assertThat(mapped.pathPattern()).isEqualTo("/berth/things/{id}");
        RequestContext context = new RequestContext(new Account("123456789012", "test", false), "us-east-1", "request");
        EcsException error = catchThrowableOfType(EcsException.class, () -> mapped.handle(context, Map.of(), Map.of(), null));
        assertThat(error.type()).isEqualTo("InvalidParameterException");
        assertThat(error.getMessage()).isEqualTo("The deadline cannot be negative, got -5.");
    }

    private static void assertMapped(DomainException refusal, String type)
    {
        EcsException error = EcsErrors.of(refusal);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.getMessage()).isEqualTo(refusal.getMessage());
    }
}
