package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The task metadata endpoint v4 from inside a real container started with RunTask through the AWS SDK. */
class TaskMetadataEndToEndTest
{
    private static final String CLUSTER = "metadata";
    /** One document per line: the container, the task, the container's stats, the task's stats. */
    private static final String PRINT_METADATA = "for path in '' /task /stats /task/stats; do busybox wget -q -O - \"$ECS_CONTAINER_METADATA_URI_V4$path\" || echo wget-failed; echo; done";

    @RegisterExtension
    static final BerthCluster berth = new BerthCluster(CLUSTER);

    @Test
    void containerReadsItsOwnTaskLimitsAndStats()
            throws IOException
    {
        String definitionArn = berth.registerFargate("introspect", "256", "512",
                List.of(ContainerDefinition.builder().name("app").image(berth.environment().image()).essential(true).command("sh", "-c", PRINT_METADATA).build()));
        String taskArn = berth.runFargate(definitionArn);

        Task task = berth.awaitStatus(taskArn, "STOPPED");
        assertThat(task.containers().get(0).exitCode()).isZero();

        List<String> output = LogLines.readAll(berth.environment(), CLUSTER, taskArn).stream()
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
