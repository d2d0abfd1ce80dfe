package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.berth.agent.metadata.MetadataFixtures.REGION_ACCOUNT;
import static io.berth.agent.metadata.MetadataFixtures.container;
import static io.berth.agent.metadata.MetadataFixtures.runningTask;
import static org.assertj.core.api.Assertions.assertThat;

class TaskMetadataDocumentsTest
{
    private static final String TASK_ID = "0123456789abcdef0123456789abcdef";

    private final TaskMetadataDocuments documents = new TaskMetadataDocuments("local");

    @Test
    void taskDocumentHasTheEcsFieldsWithLimitsInVcpuAndMiB()
    {
        JsonNode task = documents.task(runningTask(TASK_ID, "10.213.0.5"));

        assertThat(task.get("Cluster").asText()).isEqualTo(REGION_ACCOUNT + "cluster/prod");
        assertThat(task.get("TaskARN").asText()).isEqualTo(REGION_ACCOUNT + "task/prod/" + TASK_ID);
        assertThat(task.get("Family").asText()).isEqualTo("web");
        assertThat(task.get("Revision").asText()).isEqualTo("3");
        assertThat(task.get("DesiredStatus").asText()).isEqualTo("RUNNING");
        assertThat(task.get("KnownStatus").asText()).isEqualTo("RUNNING");
        assertThat(task.get("Limits").get("CPU").isNumber()).isTrue();
        assertThat(task.get("Limits").get("CPU").asDouble()).isEqualTo(0.25);
        assertThat(task.get("Limits").get("Memory").asInt()).isEqualTo(512);
        assertThat(task.get("PullStartedAt").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(task.get("PullStoppedAt").asText()).isEqualTo("2024-05-01T10:00:02.500Z");
        assertThat(task.get("AvailabilityZone").asText()).isEqualTo("us-east-1a");
        assertThat(task.get("LaunchType").asText()).isEqualTo("FARGATE");
        assertThat(task.get("Containers")).hasSize(2);
        assertThat(task.get("Containers").get(0).get("Name").asText()).isEqualTo("app");
        assertThat(task.get("Containers").get(1).get("Name").asText()).isEqualTo("sidecar");
        assertThat(task.has("ExecutionStoppedAt")).isFalse();
    }

    @Test
    void containerDocumentHasTheEcsFieldsAndTheTasksAwsvpcNetwork()
    {
        TaskRecord task = runningTask(TASK_ID, "10.213.0.5");

        JsonNode container = documents.container(task, task.containers().get(0));

        assertThat(container.get("DockerId").asText()).isEqualTo(TASK_ID + "-app");
        assertThat(container.get("Name").asText()).isEqualTo("app");
        assertThat(container.get("DockerName").asText()).isEqualTo("app");
        assertThat(container.get("Image").asText()).isEqualTo("127.0.0.1:5000/app:1");
        assertThat(container.get("ImageID").asText()).isEqualTo("sha256:" + "a".repeat(64));
        assertThat(container.get("Labels").get("com.amazonaws.ecs.task-arn").asText()).isEqualTo(REGION_ACCOUNT + "task/prod/" + TASK_ID);
        assertThat(container.get("Labels").get("com.amazonaws.ecs.cluster").asText()).isEqualTo(REGION_ACCOUNT + "cluster/prod");
        assertThat(container.get("Labels").get("com.amazonaws.ecs.container-name").asText()).isEqualTo("app");
        assertThat(container.get("Labels").get("com.amazonaws.ecs.task-definition-family").asText()).isEqualTo("web");
        assertThat(container.get("Labels").get("com.amazonaws.ecs.task-definition-version").asText()).isEqualTo("3");
        assertThat(container.get("DesiredStatus").asText()).isEqualTo("RUNNING");
        assertThat(container.get("KnownStatus").asText()).isEqualTo("RUNNING");
        assertThat(container.get("Limits").get("CPU").asInt()).isEqualTo(128);
        assertThat(container.get("Limits").get("Memory").asInt()).isEqualTo(256);
        assertThat(container.get("CreatedAt").asText()).isEqualTo("2024-05-01T10:00:02.500Z");
        assertThat(container.get("StartedAt").asText()).isEqualTo("2024-05-01T10:00:03Z");
        assertThat(container.get("Type").asText()).isEqualTo("NORMAL");
        assertThat(container.get("ContainerARN").asText()).isEqualTo(REGION_ACCOUNT + "container/prod/" + TASK_ID + "/c-app");
        assertThat(container.get("LogDriver").asText()).isEqualTo("k8s-file");
        JsonNode network = container.get("Networks").get(0);
        assertThat(network.get("NetworkMode").asText()).isEqualTo("awsvpc");
        assertThat(network.get("IPv4Addresses")).extracting(JsonNode::asText).containsExactly("10.213.0.5");
        assertThat(network.get("AttachmentIndex").asInt()).isZero();
        assertThat(network.get("MACAddress").asText()).isEqualTo("0a:58:0a:d5:00:05");
        assertThat(network.get("IPv4SubnetCIDRBlock").asText()).isEqualTo("10.213.0.0/16");
        assertThat(network.get("PrivateDNSName").asText()).isEqualTo("ip-10-213-0-5");
        assertThat(network.get("SubnetGatewayIpv4Address").asText()).isEqualTo("10.213.0.1/16");
    }

    @Test
    void stoppedContainerShowsItsExitCode()
    {
        TaskRecord task = runningTask(TASK_ID, "10.213.0.5").withContainer("app", container -> container.stopped(3, null));

        JsonNode container = documents.container(task, task.containers().get(0));

        assertThat(container.get("KnownStatus").asText()).isEqualTo("STOPPED");
        assertThat(container.get("ExitCode").asInt()).isEqualTo(3);
    }

    @Test
    void assignmentFromAnOlderControlPlaneFallsBackToTheTaskArnAndTheHostsZone()
    {
        TaskAssignment assignment = new TaskAssignment(TASK_ID, REGION_ACCOUNT + "task/blue/" + TASK_ID, DesiredStatus.STOPPED, 1024, 2048, List.of(container("app")));

        JsonNode task = documents.task(TaskRecord.fresh(assignment));

        assertThat(task.get("Cluster").asText()).isEqualTo(REGION_ACCOUNT + "cluster/blue");
        assertThat(task.get("AvailabilityZone").asText()).isEqualTo("local");
        assertThat(task.get("Limits").get("CPU").asDouble()).isEqualTo(1.0);
        assertThat(task.get("DesiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(task.get("KnownStatus").asText()).isEqualTo("PENDING");
        assertThat(task.has("Family")).isFalse();
        assertThat(task.has("PullStartedAt")).isFalse();
        assertThat(task.get("Containers").get(0).has("Networks")).isFalse();
        assertThat(task.get("Containers").get(0).has("ContainerARN")).isFalse();
    }
}
