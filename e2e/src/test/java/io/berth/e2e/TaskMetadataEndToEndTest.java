package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/** The task metadata endpoint v4 from inside a real container started with RunTask through the AWS SDK. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskMetadataEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CLUSTER = "metadata";
    /** One document per line: the container, the task, the container's stats, the task's stats. */
    private static final String PRINT_METADATA = "for path in '' /task /stats /task/stats; do busybox wget -q -O - \"$ECS_CONTAINER_METADATA_URI_V4$path\" || echo wget-failed; echo; done";

    private BerthEnvironment environment;
    private EcsClient ecs;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-metadata"));
        ecs = environment.operatorClient();
        ecs.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        if (ecs != null) {
            ecs.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void containerReadsItsOwnTaskLimitsAndStats()
            throws IOException
    {
        String definitionArn = ecs.registerTaskDefinition(request -> request
                        .family("introspect")
                        .cpu("256")
                        .memory("512")
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(ContainerDefinition.builder().name("app").image(environment.image()).essential(true)
                                .command("sh", "-c", PRINT_METADATA).build()))
                .taskDefinition().taskDefinitionArn();
        String taskArn = ecs.runTask(request -> request.cluster(CLUSTER).taskDefinition(definitionArn).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();

        Task task = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        assertThat(task.containers().get(0).exitCode()).isZero();

        List<String> output = LogLines.readAll(environment, CLUSTER, taskArn).stream()
                .map(LogLines.Line::text)
                .filter(text -> !text.isBlank())
                .toList();
        assertThat(output).doesNotContain("wget-failed").hasSize(4);

        JsonNode container = Json.mapper().readTree(output.get(0));
        assertThat(container.get("Name").asText()).isEqualTo("app");
        assertThat(container.get("ContainerARN").asText()).isEqualTo(task.containers().get(0).containerArn());
        assertThat(container.get("Networks").get(0).get("IPv4Addresses").get(0).asText()).isEqualTo(task.containers().get(0).networkInterfaces().get(0).privateIpv4Address());

        JsonNode taskDocument = Json.mapper().readTree(output.get(1));
        assertThat(taskDocument.get("TaskARN").asText()).isEqualTo(taskArn);
        assertThat(taskDocument.get("Cluster").asText()).isEqualTo(task.clusterArn());
        assertThat(taskDocument.get("Family").asText()).isEqualTo("introspect");
        assertThat(taskDocument.get("Revision").asText()).isEqualTo(definitionArn.substring(definitionArn.lastIndexOf(':') + 1));
        assertThat(taskDocument.get("Limits").get("CPU").asDouble()).isEqualTo(0.25);
        assertThat(taskDocument.get("Limits").get("Memory").asInt()).isEqualTo(512);
        assertThat(taskDocument.get("AvailabilityZone").asText()).isEqualTo(task.availabilityZone());
        assertThat(taskDocument.get("PullStartedAt").asText()).isNotEmpty();
        assertThat(taskDocument.get("Containers")).hasSize(1);

        JsonNode stats = Json.mapper().readTree(output.get(2));
        assertThat(stats.get("memory_stats").get("usage").asLong()).isPositive();
        assertThat(stats.get("memory_stats").get("limit").asLong()).isEqualTo(512L * 1024 * 1024);
        assertThat(stats.get("cpu_stats").get("cpu_usage").get("total_usage").asLong()).isPositive();
        assertThat(stats.get("name").asText()).isEqualTo("app");

        JsonNode taskStats = Json.mapper().readTree(output.get(3));
        assertThat(taskStats.get(container.get("DockerId").asText()).get("memory_stats").get("limit").asLong()).isEqualTo(512L * 1024 * 1024);
    }
}
