package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.tasks.ContainerRecord;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.json.Json;

import java.math.BigDecimal;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * The container and task documents of the task metadata endpoint v4, with the ECS field names and shapes
 * Fargate uses: timestamps as RFC 3339 strings, task Limits with CPU in vCPUs and Memory in MiB, container
 * Limits in cpu units and MiB, and the task's network as an awsvpc network.
 */
public final class TaskMetadataDocuments
{
    /** conmon writes each container's output in the k8s-file format; Berth serves it through its API. */
    static final String LOG_DRIVER = "k8s-file";

    private final String hostAvailabilityZone;

    /** @param hostAvailabilityZone the zone shown for tasks whose assignment names none (from an older control plane) */
    public TaskMetadataDocuments(String hostAvailabilityZone)
    {
        this.hostAvailabilityZone = requireNonNull(hostAvailabilityZone, "hostAvailabilityZone is null");
    }

    /** The document of `${ECS_CONTAINER_METADATA_URI_V4}/task`. */
    public ObjectNode task(TaskRecord task)
    {
        TaskAssignment assignment = task.assignment();
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("Cluster", clusterArn(assignment));
        node.put("TaskARN", assignment.taskArn());
        TaskDefinitionName definition = TaskDefinitionName.parse(assignment.taskDefinitionArn());
        putIfPresent(node, "Family", definition.family());
        putIfPresent(node, "Revision", definition.revision());
        node.put("DesiredStatus", assignment.desiredStatus().name());
        node.put("KnownStatus", task.status().name());
        ObjectNode limits = node.putObject("Limits");
        // vCPUs as a number (256 units -> 0.25), exactly
        limits.put("CPU", BigDecimal.valueOf(assignment.cpu()).divide(BigDecimal.valueOf(1024)).stripTrailingZeros());
        limits.put("Memory", assignment.memoryMiB());
        putTime(node, "PullStartedAt", task.pullStartedAt());
        putTime(node, "PullStoppedAt", task.pullStoppedAt());
        putTime(node, "ExecutionStoppedAt", task.executionStoppedAt());
        node.put("AvailabilityZone", assignment.availabilityZone() != null ? assignment.availabilityZone() : hostAvailabilityZone);
        ArrayNode containers = node.putArray("Containers");
        for (ContainerRecord container : task.containers()) {
            containers.add(container(task, container));
        }
        node.put("LaunchType", "FARGATE");
        return node;
    }

    /** The document of `${ECS_CONTAINER_METADATA_URI_V4}`: one container of the task. */
    public ObjectNode container(TaskRecord task, ContainerRecord container)
    {
        TaskAssignment assignment = task.assignment();
        ContainerSpec spec = spec(assignment, container.name());
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("DockerId", container.containerId());
        node.put("Name", container.name());
        node.put("DockerName", container.name());
        node.put("Image", spec == null ? "" : spec.image());
        putIfPresent(node, "ImageID", container.imageDigest());
        ObjectNode labels = node.putObject("Labels");
        labels.put("com.amazonaws.ecs.cluster", clusterArn(assignment));
        labels.put("com.amazonaws.ecs.container-name", container.name());
        labels.put("com.amazonaws.ecs.task-arn", assignment.taskArn());
        TaskDefinitionName definition = TaskDefinitionName.parse(assignment.taskDefinitionArn());
        putIfPresent(labels, "com.amazonaws.ecs.task-definition-family", definition.family());
        putIfPresent(labels, "com.amazonaws.ecs.task-definition-version", definition.revision());
        node.put("DesiredStatus", assignment.desiredStatus().name());
        node.put("KnownStatus", container.status().name());
        if (container.exitCode() != null) {
            node.put("ExitCode", container.exitCode());
        }
        ObjectNode limits = node.putObject("Limits");
        limits.put("CPU", spec == null || spec.cpu() == null ? 0 : spec.cpu());
        if (spec != null && spec.memoryMiB() != null) {
            limits.put("Memory", spec.memoryMiB());
        }
        // containers are made once the images are pulled, and the task runs once they have all started
        putTime(node, "CreatedAt", task.pullStoppedAt());
        putTime(node, "StartedAt", task.startedAt());
        node.put("Type", "NORMAL");
        putIfPresent(node, "ContainerARN", assignment.containerArns().get(container.name()));
        node.put("LogDriver", LOG_DRIVER);
        NetworkAttachment network = task.network();
        if (network != null) {
            ArrayNode networks = node.putArray("Networks");
            networks.add(network(network));
        }
        return node;
    }

    private static ObjectNode network(NetworkAttachment network)
    {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("NetworkMode", "awsvpc");
        node.putArray("IPv4Addresses").add(network.ipv4Address());
        node.put("AttachmentIndex", 0);
        putIfPresent(node, "MACAddress", network.macAddress());
        node.put("IPv4SubnetCIDRBlock", network.subnet());
        node.put("PrivateDNSName", "ip-" + network.ipv4Address().replace('.', '-'));
        if (network.gateway() != null) {
            // Fargate writes the gateway with the subnet's prefix length
            node.put("SubnetGatewayIpv4Address", network.gateway() + network.subnet().substring(network.subnet().indexOf('/')));
        }
        return node;
    }

    /** The cluster's ARN from the assignment, or from the task ARN (arn:...:task/CLUSTER/ID) of an older control plane. */
    static String clusterArn(TaskAssignment assignment)
    {
        if (assignment.clusterArn() != null) {
            return assignment.clusterArn();
        }
        String arn = assignment.taskArn();
        int resource = arn.lastIndexOf(":task/");
        int slash = arn.indexOf('/', resource + ":task/".length());
        if (resource < 0 || slash < 0) {
            return arn;
        }
        return arn.substring(0, resource) + ":cluster/" + arn.substring(resource + ":task/".length(), slash);
    }

    private static ContainerSpec spec(TaskAssignment assignment, String name)
    {
        return assignment.containers().stream().filter(spec -> spec.name().equals(name)).findFirst().orElse(null);
    }

    private static void putTime(ObjectNode node, String field, Instant time)
    {
        if (time != null) {
            node.put(field, time.toString());
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value)
    {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** Family and revision from arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION; both null when unknown. */
    record TaskDefinitionName(String family, String revision)
    {
        static TaskDefinitionName parse(String taskDefinitionArn)
        {
            if (taskDefinitionArn == null) {
                return new TaskDefinitionName(null, null);
            }
            int slash = taskDefinitionArn.lastIndexOf('/');
            int colon = taskDefinitionArn.lastIndexOf(':');
            if (slash < 0 || colon < slash) {
                return new TaskDefinitionName(null, null);
            }
            return new TaskDefinitionName(taskDefinitionArn.substring(slash + 1, colon), taskDefinitionArn.substring(colon + 1));
        }
    }
}
