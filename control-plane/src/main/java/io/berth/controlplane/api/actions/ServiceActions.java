package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.idempotency.ClientToken;
import io.berth.controlplane.idempotency.IdempotencyConflictException;
import io.berth.controlplane.resources.Described;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.services.CreateServiceCommand;
import io.berth.controlplane.services.Service;
import io.berth.controlplane.services.ServiceOperations;
import io.berth.controlplane.services.UpdateServiceCommand;

import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObject;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/** CreateService, UpdateService, DeleteService, DescribeServices, ListServices. */
public final class ServiceActions
{
    /**
     * CreateService's fields Berth honours; any other given a value is refused by name. clientToken makes the request
     * idempotent, as in RunTask. schedulingStrategy REPLICA and deploymentController ECS are what Berth does, so they
     * pass when they say so.
     */
    private static final Set<String> CREATE_FIELDS = Set.of("cluster", "serviceName", "taskDefinition", "desiredCount", "clientToken", "launchType",
            "capacityProviderStrategy", "platformVersion", "deploymentConfiguration", "placementConstraints", "placementStrategy", "networkConfiguration",
            "schedulingStrategy", "deploymentController", "tags", "enableECSManagedTags", "propagateTags", "loadBalancers", "healthCheckGracePeriodSeconds");
    private static final Set<String> UPDATE_FIELDS = Set.of("cluster", "service", "taskDefinition", "desiredCount", "deploymentConfiguration",
            "networkConfiguration", "forceNewDeployment", "platformVersion", "loadBalancers", "healthCheckGracePeriodSeconds", "capacityProviderStrategy");

    private final ServiceOperations services;

    public ServiceActions(ServiceOperations services)
    {
        this.services = requireNonNull(services, "services is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("CreateService", this::createService),
                new SimpleEcsAction("UpdateService", this::updateService),
                new SimpleEcsAction("DeleteService", this::deleteService),
                new SimpleEcsAction("DescribeServices", this::describeServices),
                new SimpleEcsAction("ListServices", this::listServices));
    }

    private JsonNode createService(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, CREATE_FIELDS, "CreateService");
        String strategy = optionalString(request, "schedulingStrategy");
        if (strategy != null && !strategy.equals("REPLICA")) {
            throw EcsException.invalidParameter("schedulingStrategy " + strategy + " is not supported: Berth runs REPLICA services only.");
        }
        JsonNode controller = optionalObject(request, "deploymentController");
        if (controller != null) {
            JsonFields.refuseUnsupported(controller, Set.of("type"), "deploymentController");
            String type = optionalString(controller, "type");
            if (type != null && !type.equals("ECS")) {
                throw EcsException.invalidParameter("deploymentController type " + type + " is not supported: Berth rolls deployments itself (type ECS).");
            }
        }
        Boolean managedTags = optionalBoolean(request, "enableECSManagedTags");
        CreateServiceCommand command = new CreateServiceCommand(
                optionalString(request, "cluster"),
                optionalString(request, "serviceName"),
                optionalString(request, "taskDefinition"),
                optionalInteger(request, "desiredCount"),
                optionalString(request, "launchType"),
                CapacityProviderStrategyWire.runTaskStrategy(request),
                optionalString(request, "platformVersion"),
                ServiceWire.deploymentConfiguration(request),
                JsonFields.asMap(optionalObject(request, "networkConfiguration")),
                TaskActions.placement(request),
                TaskDefinitionWire.tags(request),
                optionalString(request, "propagateTags"),
                managedTags != null && managedTags,
                ServiceWire.loadBalancers(request),
                optionalInteger(request, "healthCheckGracePeriodSeconds"),
                ClientTokenWire.of(request, ClientToken.CREATE_SERVICE_MAX_LENGTH));
        Service service;
        try {
            service = services.create(context.account().accountId(), context.region(), command);
        }
        catch (IdempotencyConflictException e) {
            // CreateService has no ConflictException in ECS's model: a token reused for another request is ECS's idempotency error
            throw EcsException.invalidParameter("Creation of service was not idempotent: " + e.getMessage());
        }
        ObjectNode response = JsonFields.object();
        response.set("service", ServiceWire.toJson(service, false));
        return response;
    }

    private JsonNode updateService(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, UPDATE_FIELDS, "UpdateService");
        Boolean force = optionalBoolean(request, "forceNewDeployment");
        JsonNode network = optionalObject(request, "networkConfiguration");
        UpdateServiceCommand command = new UpdateServiceCommand(
                optionalString(request, "cluster"),
                optionalString(request, "service"),
                optionalString(request, "taskDefinition"),
                optionalInteger(request, "desiredCount"),
                ServiceWire.deploymentConfiguration(request),
                network == null ? null : JsonFields.asMap(network),
                force != null && force,
                optionalString(request, "platformVersion"),
                request.has("loadBalancers") && !request.get("loadBalancers").isNull() ? ServiceWire.loadBalancers(request) : null,
                optionalInteger(request, "healthCheckGracePeriodSeconds"),
                CapacityProviderStrategyWire.updateStrategy(request));
        Service service = services.update(context.account().accountId(), command);
        ObjectNode response = JsonFields.object();
        response.set("service", ServiceWire.toJson(service, false));
        return response;
    }

    private JsonNode deleteService(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, Set.of("cluster", "service", "force"), "DeleteService");
        Boolean force = optionalBoolean(request, "force");
        Service service = services.delete(context.account().accountId(), optionalString(request, "cluster"), optionalString(request, "service"),
                force != null && force);
        ObjectNode response = JsonFields.object();
        response.set("service", ServiceWire.toJson(service, false));
        return response;
    }

    private JsonNode describeServices(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, Set.of("cluster", "services", "include"), "DescribeServices");
        boolean includeTags = JsonFields.includesTags(request);
        Described<Service> described = services.describe(context.account().accountId(), context.region(), optionalString(request, "cluster"),
                optionalStrings(request, "services"));
        ObjectNode response = JsonFields.object();
        ArrayNode array = response.putArray("services");
        described.found().forEach(service -> array.add(ServiceWire.toJson(service, includeTags)));
        response.set("failures", JsonFields.missingFailures(described.missing()));
        return response;
    }

    private JsonNode listServices(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, Set.of("cluster", "nextToken", "maxResults", "launchType", "schedulingStrategy"), "ListServices");
        PageRequest pageRequest = PageRequest.of(optionalInteger(request, "maxResults"), optionalString(request, "nextToken"));
        Page<String> page = services.listArns(context.account().accountId(), optionalString(request, "cluster"), optionalString(request, "launchType"),
                optionalString(request, "schedulingStrategy"), pageRequest);
        ObjectNode response = JsonFields.object();
        response.set("serviceArns", JsonFields.strings(page.items()));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }
}
