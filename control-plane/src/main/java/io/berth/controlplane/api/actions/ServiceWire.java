package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import io.berth.controlplane.services.Deployment;
import io.berth.controlplane.services.DeploymentConfiguration;
import io.berth.controlplane.services.DeploymentConfigurationChange;
import io.berth.controlplane.services.Service;
import io.berth.controlplane.services.ServiceLoadBalancer;
import io.berth.controlplane.tasks.PlacementOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObject;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.putIfNotNull;
import static io.berth.controlplane.api.actions.JsonFields.putTime;

/** The ECS Service, Deployment and DeploymentConfiguration shapes. */
final class ServiceWire
{
    private static final Set<String> DEPLOYMENT_CONFIGURATION_FIELDS = Set.of("maximumPercent", "minimumHealthyPercent", "deploymentCircuitBreaker");
    private static final Set<String> CIRCUIT_BREAKER_FIELDS = Set.of("enable", "rollback");

    private static final Set<String> LOAD_BALANCER_FIELDS = Set.of("targetGroupArn", "loadBalancerName", "containerName", "containerPort");

    private ServiceWire() {}

    /** A request's loadBalancers; each needs targetGroupArn, containerName and containerPort (Classic Load Balancers are not served). */
    static List<ServiceLoadBalancer> loadBalancers(JsonNode request)
    {
        List<ServiceLoadBalancer> result = new ArrayList<>();
        for (JsonNode node : optionalObjects(request, "loadBalancers")) {
            JsonFields.refuseUnsupported(node, LOAD_BALANCER_FIELDS, "loadBalancers");
            if (optionalString(node, "loadBalancerName") != null) {
                throw io.berth.controlplane.api.EcsException.invalidParameter("loadBalancerName names a Classic Load Balancer, which Berth does not serve: "
                        + "give the targetGroupArn of an Application Load Balancer's target group instead.");
            }
            String targetGroupArn = optionalString(node, "targetGroupArn");
            String containerName = optionalString(node, "containerName");
            Integer containerPort = optionalInteger(node, "containerPort");
            if (targetGroupArn == null || containerName == null || containerPort == null) {
                throw io.berth.controlplane.api.EcsException.invalidParameter("Each loadBalancers entry needs targetGroupArn, containerName and containerPort.");
            }
            result.add(new ServiceLoadBalancer(targetGroupArn, containerName, containerPort));
        }
        return result;
    }

    static DeploymentConfigurationChange deploymentConfiguration(JsonNode request)
    {
        JsonNode node = optionalObject(request, "deploymentConfiguration");
        if (node == null) {
            return DeploymentConfigurationChange.NONE;
        }
        // alarms, strategy, bakeTimeInMinutes, lifecycleHooks: not honoured, so refused by name
        JsonFields.refuseUnsupported(node, DEPLOYMENT_CONFIGURATION_FIELDS, "deploymentConfiguration");
        JsonNode breaker = optionalObject(node, "deploymentCircuitBreaker");
        Boolean enable = null;
        Boolean rollback = null;
        if (breaker != null) {
            JsonFields.refuseUnsupported(breaker, CIRCUIT_BREAKER_FIELDS, "deploymentConfiguration.deploymentCircuitBreaker");
            enable = optionalBoolean(breaker, "enable");
            rollback = optionalBoolean(breaker, "rollback");
            // ECS's model makes both required: a breaker given without one is a mistake, not a default
            if (enable == null || rollback == null) {
                throw io.berth.controlplane.api.EcsException.invalidParameter("deploymentConfiguration.deploymentCircuitBreaker needs both enable and rollback.");
            }
        }
        return new DeploymentConfigurationChange(optionalInteger(node, "maximumPercent"), optionalInteger(node, "minimumHealthyPercent"), enable, rollback);
    }

    static ObjectNode toJson(Service service, boolean includeTags)
    {
        ObjectNode node = JsonFields.object();
        node.put("serviceArn", service.arn());
        node.put("serviceName", service.name());
        node.put("clusterArn", service.clusterArn());
        ArrayNode loadBalancers = node.putArray("loadBalancers");
        service.loadBalancers().forEach(entry -> loadBalancers.addObject()
                .put("targetGroupArn", entry.targetGroupArn())
                .put("containerName", entry.containerName())
                .put("containerPort", entry.containerPort()));
        node.putArray("serviceRegistries");
        node.put("status", service.status().name());
        node.put("desiredCount", service.desiredCount());
        node.put("runningCount", service.runningCount());
        node.put("pendingCount", service.pendingCount());
        launchToJson(node, service);
        node.put("platformVersion", service.platformVersion());
        node.put("platformFamily", "Linux");
        node.put("taskDefinition", service.taskDefinitionArn());
        node.set("deploymentConfiguration", deploymentConfigurationToJson(service.deploymentConfiguration()));
        ArrayNode deployments = node.putArray("deployments");
        service.deployments().forEach(deployment -> deployments.add(deploymentToJson(service, deployment)));
        ArrayNode events = node.putArray("events");
        service.events().forEach(event -> {
            ObjectNode item = events.addObject();
            item.put("id", event.id());
            putTime(item, "createdAt", event.createdAt());
            item.put("message", event.message());
        });
        putTime(node, "createdAt", service.createdAt());
        placementToJson(node, service.placement());
        if (!service.networkConfiguration().isEmpty()) {
            node.set("networkConfiguration", Json.mapper().valueToTree(service.networkConfiguration()));
        }
        putIfNotNull(node, "healthCheckGracePeriodSeconds", service.healthCheckGracePeriodSeconds());
        node.put("schedulingStrategy", "REPLICA");
        node.putObject("deploymentController").put("type", "ECS");
        node.put("enableECSManagedTags", service.enableEcsManagedTags());
        node.put("propagateTags", service.propagateTags() == null ? "NONE" : service.propagateTags());
        node.put("enableExecuteCommand", false);
        if (includeTags) {
            node.set("tags", TaskDefinitionWire.tagsToJson(service.tags()));
        }
        return node;
    }

    /** As ECS shows it: a service on a capacity provider strategy has no launchType, one on launchType no strategy. */
    private static void launchToJson(ObjectNode node, Service service)
    {
        if (service.capacityProviderStrategy().isEmpty()) {
            node.put("launchType", Service.LAUNCH_TYPE);
        }
        else {
            node.set("capacityProviderStrategy", CapacityProviderStrategyWire.toJson(service.capacityProviderStrategy()));
        }
    }

    private static ObjectNode deploymentConfigurationToJson(DeploymentConfiguration configuration)
    {
        ObjectNode node = JsonFields.object();
        node.putObject("deploymentCircuitBreaker")
                .put("enable", configuration.circuitBreakerEnable())
                .put("rollback", configuration.circuitBreakerRollback());
        node.put("maximumPercent", configuration.maximumPercent());
        node.put("minimumHealthyPercent", configuration.minimumHealthyPercent());
        return node;
    }

    private static ObjectNode deploymentToJson(Service service, Deployment deployment)
    {
        ObjectNode node = JsonFields.object();
        node.put("id", deployment.id());
        node.put("status", deployment.status().name());
        node.put("taskDefinition", deployment.taskDefinitionArn());
        node.put("desiredCount", deployment.desiredCount());
        node.put("pendingCount", deployment.pendingCount());
        node.put("runningCount", deployment.runningCount());
        node.put("failedTasks", deployment.failedTasks());
        putTime(node, "createdAt", deployment.createdAt());
        putTime(node, "updatedAt", deployment.updatedAt());
        launchToJson(node, service);
        node.put("platformVersion", service.platformVersion());
        node.put("platformFamily", "Linux");
        if (!service.networkConfiguration().isEmpty()) {
            node.set("networkConfiguration", Json.mapper().valueToTree(service.networkConfiguration()));
        }
        node.put("rolloutState", deployment.rolloutState().name());
        node.put("rolloutStateReason", deployment.rolloutStateReason());
        return node;
    }

    private static void placementToJson(ObjectNode node, PlacementOptions placement)
    {
        ArrayNode constraints = node.putArray("placementConstraints");
        placement.constraints().forEach(constraint -> {
            ObjectNode item = constraints.addObject();
            putIfNotNull(item, "type", constraint.type());
            putIfNotNull(item, "expression", constraint.expression());
        });
        ArrayNode strategies = node.putArray("placementStrategy");
        placement.strategies().forEach(strategy -> {
            ObjectNode item = strategies.addObject();
            putIfNotNull(item, "type", strategy.type());
            putIfNotNull(item, "field", strategy.field());
        });
    }
}
