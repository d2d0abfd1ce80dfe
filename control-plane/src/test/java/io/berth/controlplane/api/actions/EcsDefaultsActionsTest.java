package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.EcsException;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ECS's defaults where a request leaves something out: a task definition's compatibilities (EC2 always; FARGATE only
 * when it names FARGATE, as ECS validates a definition that names no launch type for EC2 alone), a definition that does
 * not require FARGATE is refused by RunTask, CreateService and UpdateService in ECS's words, and DescribeClusters shows
 * settings only when include asks for SETTINGS.
 */
class EcsDefaultsActionsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private EcsClient client;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        client = new EcsClient(controlPlane, controlPlane.accounts().createAccount("defaults"));
        controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of()), List.of()));
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void compatibilitiesFollowRequiresCompatibilitiesAndOnlyAFargateDefinitionRunsOnFargate()
    {
        JsonNode plain = register("plain", "");
        assertThat(strings(plain.get("compatibilities"))).containsExactly("EC2");
        assertThat(plain.get("requiresCompatibilities")).isEmpty();
        assertThat(strings(register("fargate", ", \"requiresCompatibilities\": [\"FARGATE\"]").get("compatibilities"))).containsExactly("EC2", "FARGATE");
        JsonNode ec2 = register("ec2", ", \"requiresCompatibilities\": [\"EC2\"]");
        assertThat(strings(ec2.get("compatibilities"))).containsExactly("EC2");
        assertThat(strings(ec2.get("requiresCompatibilities"))).containsExactly("EC2");

        for (String family : List.of("ec2", "plain")) {
            EcsException refused = client.fails("RunTask", run(family));
            assertThat(refused.type()).isEqualTo("InvalidParameterException");
            assertThat(refused.getMessage()).startsWith("Task definition does not support launch_type FARGATE.").contains("requiresCompatibilities FARGATE");
            EcsException service = client.fails("CreateService", "{\"serviceName\": \"s\", \"taskDefinition\": \"" + family + "\", \"desiredCount\": 1, "
                    + "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}}");
            assertThat(service.type()).isEqualTo("InvalidParameterException");
            assertThat(service.getMessage()).startsWith("Task definition does not support launch_type FARGATE.");
        }
        assertThat(client.fails("RunTask", run("plain")).getMessage()).contains("names no requiresCompatibilities");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).isEmpty();

        client.call("CreateService", "{\"serviceName\": \"s\", \"taskDefinition\": \"fargate\", \"desiredCount\": 0, "
                + "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}}");
        EcsException update = client.fails("UpdateService", "{\"service\": \"s\", \"taskDefinition\": \"plain\"}");
        assertThat(update.getMessage()).startsWith("Task definition does not support launch_type FARGATE.");

        assertThat(client.call("RunTask", run("fargate")).get("tasks")).hasSize(1);
    }

    @Test
    void describeClustersShowsSettingsOnlyWhenIncludeAsksForThem()
    {
        JsonNode created = client.call("CreateCluster", "{\"clusterName\": \"insights\", \"settings\": [{\"name\": \"containerInsights\", \"value\": \"enabled\"}]}")
                .get("cluster");
        assertThat(created.get("settings").get(0).get("value").asText()).isEqualTo("enabled");

        assertThat(describe("").has("settings")).isFalse();
        assertThat(describe(", \"include\": [\"TAGS\"]").has("settings")).isFalse();
        assertThat(describe(", \"include\": [\"SETTINGS\"]").get("settings").get(0).get("value").asText()).isEqualTo("enabled");
    }

    private JsonNode describe(String fields)
    {
        return client.call("DescribeClusters", "{\"clusters\": [\"insights\"]" + fields + "}").get("clusters").get(0);
    }

    private JsonNode register(String family, String fields)
    {
        return client.call("RegisterTaskDefinition", "{\"family\": \"" + family + "\", \"cpu\": \"256\", \"memory\": \"512\", "
                + "\"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]" + fields + "}").get("taskDefinition");
    }

    private static String run(String family)
    {
        return "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"" + family + "\"}";
    }

    private static List<String> strings(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
