package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.tasks.ContainerOverride;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskHealth;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;

import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static io.berth.controlplane.api.actions.JsonFields.putIfNotNull;
import static io.berth.controlplane.api.actions.JsonFields.putTime;

/** The ECS Task, Container and TaskOverride shapes. */
final class TaskWire
{
    private static final Set<String> OVERRIDE_FIELDS = Set.of("containerOverrides", "cpu", "memory", "executionRoleArn", "taskRoleArn", "ephemeralStorage");
    private static final Set<String> CONTAINER_OVERRIDE_FIELDS = Set.of("name", "command", "environment", "cpu", "memory", "memoryReservation");

    private TaskWire() {}

    static TaskOverrides overrides(JsonNode node)
    {
        if (node == null) {
            return TaskOverrides.NONE;
        }
        JsonFields.refuseUnsupported(node, OVERRIDE_FIELDS, "overrides");
        return new TaskOverrides(
                optionalObjects(node, "containerOverrides").stream().map(TaskWire::containerOverride).toList(),
                sizeString(node, "cpu"),
                sizeString(node, "memory"),
                optionalString(node, "executionRoleArn"),
                optionalString(node, "taskRoleArn"),
                EphemeralStorage.parse(JsonFields.plainValue(node.get("ephemeralStorage")), "overrides.ephemeralStorage").orElse(null));
    }

    private static ContainerOverride containerOverride(JsonNode node)
    {
        JsonFields.refuseUnsupported(node, CONTAINER_OVERRIDE_FIELDS, "containerOverrides");
        String name = optionalString(node, "name");
        if (name == null || name.isEmpty()) {
            throw EcsException.invalidParameter("Every container override needs the name of the container it overrides.");
        }
        return new ContainerOverride(
                name,
                optionalStrings(node, "command"),
                TaskDefinitionWire.environment(node, "environment"),
                optionalInteger(node, "cpu"),
                optionalInteger(node, "memory"),
                optionalInteger(node, "memoryReservation"));
    }

    private static String sizeString(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value != null && value.isIntegralNumber()) {
            return value.asText();
        }
        return optionalString(node, field);
    }

    /** The task attribute that names the isolation tier the task runs at. */
    static final String ISOLATION_ATTRIBUTE = "berth.isolation";

    /** The task; its tags only when withTags (DescribeTasks shows them when asked to include TAGS, as ECS does). */
    static ObjectNode toJson(Task task, boolean withTags)
    {
        TaskState state = task.state();
        ObjectNode node = JsonFields.object();
        node.set("attachments", NetworkInterfaceWire.attachments(task));
        node.set("attributes", attributes(task));
        node.put("availabilityZone", task.availabilityZone());
        node.put("clusterArn", task.clusterArn());
        ArrayNode containers = node.putArray("containers");
        state.containers().forEach(container -> containers.add(containerToJson(task, container)));
        node.put("cpu", String.valueOf(task.cpu()));
        putTime(node, "createdAt", task.createdAt());
        node.put("desiredStatus", state.desiredStatus().name());
        node.put("enableExecuteCommand", false);
        putTime(node, "executionStoppedAt", state.executionStoppedAt());
        putIfNotNull(node, "group", task.group());
        node.put("healthStatus", TaskHealth.of(state.containers()).name());
        node.put("lastStatus", state.lastStatus().name());
        node.put("launchType", task.launchType());
        JsonFields.putIfNotNull(node, "capacityProviderName", task.capacityProviderName());
        node.put("memory", String.valueOf(task.memory()));
        node.set("overrides", overridesToJson(task.overrides()));
        node.put("platformVersion", task.platformVersion());
        node.put("platformFamily", "Linux");
        putTime(node, "pullStartedAt", state.pullStartedAt());
        putTime(node, "pullStoppedAt", state.pullStoppedAt());
        putTime(node, "startedAt", state.startedAt());
        putIfNotNull(node, "startedBy", task.startedBy());
        putIfNotNull(node, "stopCode", state.stopCode());
        putTime(node, "stoppedAt", state.stoppedAt());
        putIfNotNull(node, "stoppedReason", state.stoppedReason());
        putTime(node, "stoppingAt", state.stoppingAt());
        if (withTags) {
            node.set("tags", TaskDefinitionWire.tagsToJson(task.tags()));
        }
        node.put("taskArn", task.arn());
        node.put("taskDefinitionArn", task.taskDefinitionArn());
        node.put("version", state.version());
        node.putObject("ephemeralStorage").put("sizeInGiB", task.ephemeralStorage().sizeInGiB());
        return node;
    }

    /** ECS Attributes of the task; Berth's own: the isolation tier the task runs at. */
    private static ArrayNode attributes(Task task)
    {
        ArrayNode attributes = JsonFields.array();
        attributes.addObject().put("name", ISOLATION_ATTRIBUTE).put("value", task.isolation().wireName());
        return attributes;
    }

    private static ObjectNode containerToJson(Task task, TaskContainer container)
    {
        ObjectNode node = JsonFields.object();
        node.put("containerArn", container.containerArn());
        node.put("taskArn", task.arn());
        node.put("name", container.name());
        node.put("image", container.spec().image());
        putIfNotNull(node, "imageDigest", container.imageDigest());
        node.put("lastStatus", container.lastStatus().name());
        putIfNotNull(node, "exitCode", container.exitCode());
        putIfNotNull(node, "reason", container.reason());
        node.set("networkBindings", JsonFields.array());
        node.set("networkInterfaces", NetworkInterfaceWire.containerNetworkInterfaces(task));
        node.put("healthStatus", container.healthStatus().name());
        node.put("cpu", String.valueOf(container.spec().cpu() == null ? 0 : container.spec().cpu()));
        if (container.spec().memoryMiB() != null) {
            node.put("memory", String.valueOf(container.spec().memoryMiB()));
        }
        if (container.memoryReservation() != null) {
            node.put("memoryReservation", String.valueOf(container.memoryReservation()));
        }
        return node;
    }

    private static ObjectNode overridesToJson(TaskOverrides overrides)
    {
        ObjectNode node = JsonFields.object();
        ArrayNode containerOverrides = node.putArray("containerOverrides");
        for (ContainerOverride override : overrides.containerOverrides()) {
            ObjectNode entry = containerOverrides.addObject();
            entry.put("name", override.name());
            if (override.command() != null) {
                entry.set("command", JsonFields.strings(override.command()));
            }
            if (override.environment() != null) {
                entry.set("environment", TaskDefinitionWire.environmentToJson(override.environment()));
            }
            putIfNotNull(entry, "cpu", override.cpu());
            putIfNotNull(entry, "memory", override.memory());
            putIfNotNull(entry, "memoryReservation", override.memoryReservation());
        }
        node.set("inferenceAcceleratorOverrides", JsonFields.array());
        putIfNotNull(node, "cpu", overrides.cpu());
        putIfNotNull(node, "memory", overrides.memory());
        putIfNotNull(node, "executionRoleArn", overrides.executionRoleArn());
        putIfNotNull(node, "taskRoleArn", overrides.taskRoleArn());
        if (overrides.ephemeralStorage() != null) {
            node.putObject("ephemeralStorage").put("sizeInGiB", overrides.ephemeralStorage().sizeInGiB());
        }
        return node;
    }
}
