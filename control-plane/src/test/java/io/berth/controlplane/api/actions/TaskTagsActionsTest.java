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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * RunTask's tags, propagateTags, enableECSManagedTags and capacityProviderStrategy, and CreateCluster's unstored
 * fields, as the HTTP layer calls them: each is honoured (the tags are stored, DescribeTasks shows them with include
 * TAGS only) or refused with a message that names it, and a refused RunTask creates no task. RunTask's other fields
 * Berth does not honour (enableExecuteCommand, referenceId, volumeConfigurations, unknown override fields) are
 * refused the same way.
 */
class TaskTagsActionsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private EcsClient client;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        client = new EcsClient(controlPlane, controlPlane.accounts().createAccount("tags"));
        controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of()), List.of()));
        client.call("RegisterTaskDefinition", """
                {"family": "web", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "a", "image": "i"}],
                 "tags": [{"key": "team", "value": "definition"}, {"key": "cost", "value": "42"}]}""");
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void ownTagsAreStoredAndShownOnlyWhenDescribeTasksIncludesTags()
    {
        JsonNode task = runTask("\"tags\": [{\"key\": \"env\", \"value\": \"prod\"}, {\"key\": \"empty\"}]");

        assertThat(tags(task)).containsExactly(entry("env", "prod"), entry("empty", ""));
        assertThat(tags(describe(task, ", \"include\": [\"TAGS\"]"))).containsExactly(entry("env", "prod"), entry("empty", ""));
        assertThat(describe(task, "").has("tags")).isFalse();
        assertThat(describe(task, ", \"include\": []").has("tags")).isFalse();
        assertThat(client.call("StopTask", "{\"task\": \"" + task.get("taskArn").asText() + "\"}").get("task").has("tags")).isFalse();
        assertRefused("DescribeTasks", "{\"tasks\": [\"" + task.get("taskArn").asText() + "\"], \"include\": [\"TAGZ\"]}", "InvalidParameterException", "TAGZ");
    }

    @Test
    void propagateTaskDefinitionCopiesTheDefinitionsTagsAndTheTasksOwnWin()
    {
        JsonNode task = runTask("\"tags\": [{\"key\": \"team\", \"value\": \"task\"}], \"propagateTags\": \"TASK_DEFINITION\"");

        assertThat(tags(describe(task, ", \"include\": [\"TAGS\"]"))).containsExactly(entry("team", "task"), entry("cost", "42"));
        assertThat(tags(runTask("\"propagateTags\": \"TASK_DEFINITION\""))).containsExactly(entry("team", "definition"), entry("cost", "42"));
        assertThat(tags(runTask("\"propagateTags\": \"NONE\""))).isEmpty();
        assertThat(tags(runTask(""))).isEmpty();
    }

    @Test
    void managedTagsAddTheClusterName()
    {
        client.call("CreateCluster", "{\"clusterName\": \"prod\"}");

        JsonNode task = runTask("\"cluster\": \"prod\", \"enableECSManagedTags\": true, \"tags\": [{\"key\": \"env\", \"value\": \"prod\"}]");

        assertThat(tags(describe(task, ", \"cluster\": \"prod\", \"include\": [\"TAGS\"]")))
                .containsExactly(entry("env", "prod"), entry("aws:ecs:clusterName", "prod"));
        assertThat(tags(runTask("\"enableECSManagedTags\": false"))).isEmpty();
        assertRefused("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\", \"enableECSManagedTags\": \"yes\"}", "SerializationException", "enableECSManagedTags");
    }

    @Test
    void tagsAndPropagationBerthCannotHonourAreRefusedAndNoTaskIsCreated()
    {
        assertRefused("RunTask", run("\"propagateTags\": \"SERVICE\""), "InvalidParameterException", "propagateTags SERVICE");
        assertRefused("RunTask", run("\"propagateTags\": \"EVERYTHING\""), "InvalidParameterException", "propagateTags", "EVERYTHING");
        assertRefused("RunTask", run("\"tags\": [{\"key\": \"aws:owner\", \"value\": \"x\"}]"), "InvalidParameterException", "aws:owner");
        assertRefused("RunTask", run("\"tags\": [{\"key\": \"berth:isolation\", \"value\": \"sandbox\"}]"), "InvalidParameterException",
                "berth:isolation", "task definition");
        assertRefused("RunTask", run("\"tags\": [{\"key\": \"a\"}, {\"key\": \"a\"}]"), "InvalidParameterException", "Duplicate tag key 'a'");
        assertRefused("RunTask", run("\"tags\": [{\"value\": \"x\"}]"), "InvalidParameterException", "key");
        assertRefused("RunTask", run("\"tags\": [{\"key\": \"" + "k".repeat(129) + "\"}]"), "InvalidParameterException", "128");
        StringBuilder fifty = new StringBuilder();
        for (int i = 0; i < 49; i++) {
            fifty.append(i == 0 ? "" : ", ").append("{\"key\": \"k").append(i).append("\"}");
        }
        // 49 own tags and 2 from the definition make 51: over ECS's 50 once propagated
        assertRefused("RunTask", run("\"propagateTags\": \"TASK_DEFINITION\", \"tags\": [" + fifty + "]"), "InvalidParameterException", "at most 50");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).isEmpty();
    }

    @Test
    void aCapacityProviderStrategyNeedsTheClustersProvidersAndNamesTheTasksProvider()
    {
        assertRefused("RunTask", run("\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE\", \"weight\": 1}]"), "InvalidParameterException",
                "not associated", "'FARGATE'");
        client.call("CreateCluster", "{\"clusterName\": \"default\"}");
        client.call("PutClusterCapacityProviders", "{\"cluster\": \"default\", \"capacityProviders\": [\"FARGATE\", \"FARGATE_SPOT\"], "
                + "\"defaultCapacityProviderStrategy\": []}");

        JsonNode task = runTask("\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE\", \"weight\": 1, \"base\": 0}]");
        assertThat(task.get("launchType").asText()).isEqualTo("FARGATE");
        assertThat(task.get("capacityProviderName").asText()).isEqualTo("FARGATE");
        assertThat(runTask("\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE_SPOT\"}]").get("capacityProviderName").asText())
                .isEqualTo("FARGATE_SPOT");
        assertThat(runTask("\"launchType\": \"FARGATE\"").has("capacityProviderName")).isFalse();

        assertRefused("RunTask", run("\"launchType\": \"FARGATE\", \"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE\"}]"),
                "InvalidParameterException", "launchType", "capacityProviderStrategy");
        assertRefused("RunTask", run("\"capacityProviderStrategy\": [{\"weight\": 1}]"), "InvalidParameterException", "capacityProvider");
        assertRefused("RunTask", run("\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE\", \"weight\": 1001}]"),
                "InvalidParameterException", "weight");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).hasSize(3);
    }

    @Test
    void runTaskRefusesEveryOtherFieldItDoesNotHonourByName()
    {
        assertRefused("RunTask", run("\"enableExecuteCommand\": true"), "ClientException", "RunTask field 'enableExecuteCommand'");
        assertRefused("RunTask", run("\"referenceId\": \"ref\""), "ClientException", "'referenceId'");
        assertRefused("RunTask", run("\"volumeConfigurations\": [{\"name\": \"v\"}]"), "ClientException", "'volumeConfigurations'");
        assertRefused("RunTask", run("\"overrides\": {\"inferenceAcceleratorOverrides\": [{\"deviceName\": \"d\"}]}"), "ClientException",
                "overrides field 'inferenceAcceleratorOverrides'");
        assertRefused("RunTask", run("\"overrides\": {\"containerOverrides\": [{\"name\": \"a\", \"environmentFiles\": [{\"type\": \"s3\"}]}]}"),
                "ClientException", "containerOverrides field 'environmentFiles'");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).isEmpty();

        // what says nothing passes: the defaults, and the clientToken every AWS SDK sends
        runTask("\"enableExecuteCommand\": false, \"clientToken\": \"token-1\", \"overrides\": {\"inferenceAcceleratorOverrides\": []}");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).hasSize(1);
    }

    @Test
    void createClusterRefusesTheFieldsItDoesNotStore()
    {
        assertRefused("CreateCluster", "{\"clusterName\": \"tagged\", \"serviceConnectDefaults\": {\"namespace\": \"ns\"}}", "ClientException",
                "'serviceConnectDefaults'");
        assertRefused("CreateCluster", "{\"clusterName\": \"tagged\", \"configuration\": {\"executeCommandConfiguration\": {\"logging\": \"NONE\"}}}",
                "ClientException", "'configuration'");
        assertRefused("CreateCluster", "{\"clusterName\": \"tagged\", \"tags\": [{\"key\": \"aws:env\", \"value\": \"prod\"}]}",
                "InvalidParameterException", "reserved for AWS use");
        assertRefused("CreateCluster", "{\"clusterName\": \"tagged\", \"tags\": \"env=prod\"}", "SerializationException", "'tags'");
        assertThat(client.call("ListClusters", "{}").get("clusterArns").toString()).doesNotContain("tagged");

        JsonNode cluster = client.call("CreateCluster", "{\"clusterName\": \"plain\", \"tags\": []}").get("cluster");
        assertThat(cluster.get("clusterName").asText()).isEqualTo("plain");
    }

    @Test
    void listTagsForResourceShowsTheTagsOfTheAccountsOwnTasksDefinitionsAndClusters()
    {
        JsonNode task = runTask("\"tags\": [{\"key\": \"env\", \"value\": \"prod\"}], \"enableECSManagedTags\": true");
        String definitionArn = task.get("taskDefinitionArn").asText();

        assertThat(tags(listTags(task.get("taskArn").asText()))).containsExactly(entry("env", "prod"), entry("aws:ecs:clusterName", "default"));
        assertThat(tags(listTags(definitionArn))).containsExactly(entry("team", "definition"), entry("cost", "42"));
        assertThat(tags(listTags(task.get("clusterArn").asText()))).isEmpty();

        EcsClient other = new EcsClient(controlPlane, controlPlane.accounts().createAccount("other"));
        for (String arn : List.of(task.get("taskArn").asText(), definitionArn, task.get("clusterArn").asText())) {
            EcsException error = other.fails("ListTagsForResource", "{\"resourceArn\": \"" + arn + "\"}");
            assertThat(error).as(arn).isNotNull();
            assertThat(error.type()).isEqualTo("InvalidParameterException");
            assertThat(error.getMessage()).contains("not found");
        }
        String unknownTaskArn = task.get("taskArn").asText().replaceAll("[0-9a-f]{32}$", "0".repeat(32));
        assertRefused("ListTagsForResource", "{\"resourceArn\": \"" + unknownTaskArn + "\"}", "InvalidParameterException", "not found");
        // services are taggable: one that does not exist is not found; a type Berth cannot tag is named
        assertRefused("ListTagsForResource", "{\"resourceArn\": \"" + definitionArn.replace("task-definition", "service") + "\"}",
                "InvalidParameterException", "not found");
        assertRefused("ListTagsForResource", "{\"resourceArn\": \"" + definitionArn.replace("task-definition", "capacity-provider") + "\"}",
                "InvalidParameterException", "'capacity-provider'");
        assertRefused("ListTagsForResource", "{}", "InvalidParameterException", "resourceArn");
        EcsException foreignTag = other.fails("TagResource", "{\"resourceArn\": \"" + definitionArn + "\", \"tags\": [{\"key\": \"a\", \"value\": \"b\"}]}");
        assertThat(foreignTag.getMessage()).contains("not found");
        assertThat(tags(listTags(definitionArn))).containsExactly(entry("team", "definition"), entry("cost", "42"));
    }

    private JsonNode listTags(String arn)
    {
        return client.call("ListTagsForResource", "{\"resourceArn\": \"" + arn + "\"}");
    }

    private JsonNode runTask(String fields)
    {
        return client.call("RunTask", run(fields)).get("tasks").get(0);
    }

    private static String run(String fields)
    {
        return "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\"" + (fields.isEmpty() ? "" : ", " + fields) + "}";
    }

    private JsonNode describe(JsonNode task, String fields)
    {
        return client.call("DescribeTasks", "{\"tasks\": [\"" + task.get("taskArn").asText() + "\"]" + fields + "}").get("tasks").get(0);
    }

    private static Map<String, String> tags(JsonNode task)
    {
        Map<String, String> tags = new LinkedHashMap<>();
        task.get("tags").forEach(tag -> tags.put(tag.get("key").asText(), tag.get("value").asText()));
        return tags;
    }

    private void assertRefused(String action, String request, String type, String... messageParts)
    {
        EcsException error = client.fails(action, request);
        assertThat(error).as("%s %s", action, request).isNotNull();
        assertThat(error.type()).as(error.getMessage()).isEqualTo(type);
        assertThat(error.getMessage()).contains(messageParts);
    }
}
