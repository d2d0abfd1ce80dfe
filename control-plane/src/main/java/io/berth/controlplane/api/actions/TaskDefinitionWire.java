package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.ContainerHealthCheckRules;
import io.berth.controlplane.taskdefinitions.EnvironmentVariable;
import io.berth.controlplane.taskdefinitions.PortMapping;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskDefinitionRequest;
import io.berth.controlplane.resources.Tag;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static io.berth.controlplane.api.actions.JsonFields.putIfNotNull;

/** The ECS TaskDefinition and ContainerDefinition shapes, both ways. */
final class TaskDefinitionWire
{
    private static final Set<String> KNOWN_TASK_FIELDS = Set.of("family", "containerDefinitions", "cpu", "memory", "networkMode",
            "taskRoleArn", "executionRoleArn", "requiresCompatibilities", "tags");
    private static final Set<String> KNOWN_CONTAINER_FIELDS = Set.of("name", "image", "cpu", "memory", "memoryReservation", "essential",
            "entryPoint", "command", "environment", "workingDirectory", "user", "portMappings");

    private TaskDefinitionWire() {}

    static TaskDefinitionRequest request(JsonNode request)
    {
        List<ContainerDefinition> containers = optionalObjects(request, "containerDefinitions").stream()
                .map(TaskDefinitionWire::containerDefinition)
                .toList();
        return new TaskDefinitionRequest(
                optionalString(request, "family"),
                containers,
                sizeString(request, "cpu"),
                sizeString(request, "memory"),
                optionalString(request, "networkMode"),
                optionalString(request, "taskRoleArn"),
                optionalString(request, "executionRoleArn"),
                optionalStrings(request, "requiresCompatibilities"),
                JsonFields.otherFields(request, KNOWN_TASK_FIELDS),
                tags(request));
    }

    /** ECS's tags, [{"key", "value"}]; null when the request has none. */
    static List<Tag> tags(JsonNode request)
    {
        if (request.get("tags") == null || request.get("tags").isNull()) {
            return null;
        }
        return optionalObjects(request, "tags").stream()
                .map(tag -> {
                    String key = optionalString(tag, "key");
                    if (key == null) {
                        throw EcsException.invalidParameter("Every tag needs a key: give tags as [{\"key\": \"team\", \"value\": \"a\"}].");
                    }
                    return new Tag(key, optionalString(tag, "value"));
                })
                .toList();
    }

    static ArrayNode tagsToJson(List<Tag> tags)
    {
        ArrayNode array = JsonFields.array();
        tags.forEach(tag -> array.addObject().put("key", tag.key()).put("value", tag.value()));
        return array;
    }

    private static ContainerDefinition containerDefinition(JsonNode node)
    {
        Boolean essential = optionalBoolean(node, "essential");
        String name = optionalString(node, "name");
        String image = optionalString(node, "image");
        return new ContainerDefinition(
                name == null ? "" : name,
                image == null ? "" : image,
                optionalInteger(node, "cpu"),
                optionalInteger(node, "memory"),
                optionalInteger(node, "memoryReservation"),
                essential == null || essential, // ECS: containers are essential unless they say otherwise
                optionalStrings(node, "entryPoint"),
                optionalStrings(node, "command"),
                environment(node, "environment"),
                optionalString(node, "workingDirectory"),
                optionalString(node, "user"),
                optionalObjects(node, "portMappings").stream().map(TaskDefinitionWire::portMapping).toList(),
                JsonFields.otherFields(node, KNOWN_CONTAINER_FIELDS));
    }

    static List<EnvironmentVariable> environment(JsonNode node, String field)
    {
        if (node.get(field) == null || node.get(field).isNull()) {
            return null;
        }
        return optionalObjects(node, field).stream()
                .map(entry -> {
                    String name = optionalString(entry, "name");
                    if (name == null || name.isEmpty()) {
                        throw EcsException.clientException("Every environment entry needs a name.");
                    }
                    return new EnvironmentVariable(name, optionalString(entry, "value"));
                })
                .toList();
    }

    private static PortMapping portMapping(JsonNode node)
    {
        Integer containerPort = optionalInteger(node, "containerPort");
        Integer hostPort = optionalInteger(node, "hostPort");
        if (containerPort != null && hostPort != null && !containerPort.equals(hostPort)) {
            throw EcsException.clientException("When networkMode=awsvpc, the host ports and container ports in port mappings must match.");
        }
        String protocol = optionalString(node, "protocol");
        return new PortMapping(containerPort, hostPort != null ? hostPort : containerPort, protocol == null ? "tcp" : protocol, optionalString(node, "name"));
    }

    /** Task cpu and memory are strings in the model; clients sometimes send numbers, which ECS accepts too. */
    private static String sizeString(JsonNode request, String field)
    {
        JsonNode value = request.get(field);
        if (value != null && value.isIntegralNumber()) {
            return value.asText();
        }
        return optionalString(request, field);
    }

    static ObjectNode toJson(TaskDefinition definition)
    {
        ObjectNode node = JsonFields.object();
        node.put("taskDefinitionArn", definition.arn());
        ArrayNode containers = node.putArray("containerDefinitions");
        definition.containerDefinitions().forEach(container -> containers.add(containerToJson(container)));
        node.put("family", definition.family());
        putIfNotNull(node, "taskRoleArn", definition.taskRoleArn());
        putIfNotNull(node, "executionRoleArn", definition.executionRoleArn());
        node.put("networkMode", definition.networkMode());
        node.put("revision", definition.revision());
        node.set("volumes", JsonFields.array());
        node.put("status", definition.status().name());
        node.set("requiresAttributes", JsonFields.array());
        node.set("placementConstraints", JsonFields.array());
        node.set("compatibilities", JsonFields.strings(definition.compatibilities()));
        node.set("requiresCompatibilities", JsonFields.strings(definition.requiresCompatibilities()));
        node.put("cpu", String.valueOf(definition.cpu()));
        node.put("memory", String.valueOf(definition.memory()));
        JsonFields.putTime(node, "registeredAt", definition.registeredAt());
        JsonFields.putTime(node, "deregisteredAt", definition.deregisteredAt());
        JsonFields.putOther(node, withoutVolumesPlaceholder(node, definition.otherFields()));
        return node;
    }

    private static Map<String, Object> withoutVolumesPlaceholder(ObjectNode node, Map<String, Object> otherFields)
    {
        // volumes given at registration are echoed instead of the empty default
        if (otherFields.containsKey("volumes")) {
            node.remove("volumes");
        }
        return otherFields;
    }

    private static ObjectNode containerToJson(ContainerDefinition container)
    {
        ObjectNode node = JsonFields.object();
        node.put("name", container.name());
        node.put("image", container.image());
        node.put("cpu", container.cpu() == null ? 0 : container.cpu());
        putIfNotNull(node, "memory", container.memory());
        putIfNotNull(node, "memoryReservation", container.memoryReservation());
        ArrayNode portMappings = node.putArray("portMappings");
        for (PortMapping mapping : container.portMappings()) {
            ObjectNode entry = portMappings.addObject();
            putIfNotNull(entry, "containerPort", mapping.containerPort());
            putIfNotNull(entry, "hostPort", mapping.hostPort());
            putIfNotNull(entry, "protocol", mapping.protocol());
            putIfNotNull(entry, "name", mapping.name());
        }
        node.put("essential", container.essential());
        if (container.entryPoint() != null) {
            node.set("entryPoint", JsonFields.strings(container.entryPoint()));
        }
        if (container.command() != null) {
            node.set("command", JsonFields.strings(container.command()));
        }
        node.set("environment", environmentToJson(container.environment()));
        node.set("mountPoints", JsonFields.array());
        node.set("volumesFrom", JsonFields.array());
        putIfNotNull(node, "workingDirectory", container.workingDirectory());
        putIfNotNull(node, "user", container.user());
        for (String echoed : List.of("mountPoints", "volumesFrom")) {
            if (container.otherFields().containsKey(echoed)) {
                node.remove(echoed);
            }
        }
        Map<String, Object> healthCheck = ContainerHealthCheckRules.described(container);
        if (healthCheck != null) {
            // with ECS's defaults filled in, before the other fields (which hold it as given)
            JsonFields.putOther(node, Map.of("healthCheck", healthCheck));
        }
        JsonFields.putOther(node, container.otherFields());
        return node;
    }

    static ArrayNode environmentToJson(List<EnvironmentVariable> environment)
    {
        ArrayNode array = JsonFields.array();
        environment.forEach(variable -> array.addObject().put("name", variable.name()).put("value", variable.value()));
        return array;
    }
}
