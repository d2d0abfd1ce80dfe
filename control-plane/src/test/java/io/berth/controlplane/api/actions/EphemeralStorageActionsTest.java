package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.EcsException;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ephemeralStorage through RegisterTaskDefinition, RunTask and DescribeTasks as the HTTP layer calls them: Fargate's
 * range (21 to 200 GiB, 20 without the field) is enforced, the task carries its own size, and the agent is told it.
 */
class EphemeralStorageActionsTest
{
    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private EcsClient client;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        client = new EcsClient(controlPlane, controlPlane.accounts().createAccount("storage"));
        // a host to place the tasks on
        sync();
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void theDefinitionsSizeIsEchoedAndGivenToItsTasksAndTheirAgent()
    {
        JsonNode registered = client.call("RegisterTaskDefinition", definition("big", "\"ephemeralStorage\": {\"sizeInGiB\": 21}")).get("taskDefinition");
        assertThat(registered.get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(21);
        JsonNode described = client.call("DescribeTaskDefinition", "{\"taskDefinition\": \"big\"}").get("taskDefinition");
        assertThat(described.get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(21);

        JsonNode task = client.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"big\"}").get("tasks").get(0);
        assertThat(task.get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(21);
        assertThat(task.get("overrides").has("ephemeralStorage")).isFalse();
        assertThat(describeTask(task).get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(21);
        assertThat(assignment(task.get("taskArn").asText()).ephemeralStorageGiB()).isEqualTo(21);
    }

    @Test
    void withoutTheFieldATaskGetsTwentyGiB()
    {
        JsonNode registered = client.call("RegisterTaskDefinition", definition("plain", "")).get("taskDefinition");
        assertThat(registered.has("ephemeralStorage")).isFalse();

        JsonNode task = client.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"plain\"}").get("tasks").get(0);

        assertThat(describeTask(task).get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(20);
        assertThat(assignment(task.get("taskArn").asText()).ephemeralStorageGiB()).isEqualTo(20);
    }

    @Test
    void theOverrideReplacesTheDefinitionsSize()
    {
        client.call("RegisterTaskDefinition", definition("big", "\"ephemeralStorage\": {\"sizeInGiB\": 21}"));

        JsonNode task = client.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"big\", \"overrides\": {\"ephemeralStorage\": {\"sizeInGiB\": 200}}}")
                .get("tasks").get(0);

        JsonNode described = describeTask(task);
        assertThat(described.get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(200);
        assertThat(described.get("overrides").get("ephemeralStorage").get("sizeInGiB").asInt()).isEqualTo(200);
        assertThat(assignment(task.get("taskArn").asText()).ephemeralStorageGiB()).isEqualTo(200);
    }

    @Test
    void sizesFargateRefusesAreClientExceptionsNamingTheField()
    {
        for (String value : List.of("10", "20", "201", "500", "-1", "0", "21.5", "\"21\"", "true", "2147483648", "99999999999999999999999")) {
            assertRefused("RegisterTaskDefinition", definition("bad", "\"ephemeralStorage\": {\"sizeInGiB\": " + value + "}"),
                    "'ephemeralStorage.sizeInGiB'", "21 to 200");
        }
        assertRefused("RegisterTaskDefinition", definition("bad", "\"ephemeralStorage\": {\"sizeInGiB\": 30, \"sizeInGB\": 30}"),
                "'ephemeralStorage.sizeInGB'");
        assertRefused("RegisterTaskDefinition", definition("bad", "\"ephemeralStorage\": {}"), "'ephemeralStorage.sizeInGiB' is required");
        assertRefused("RegisterTaskDefinition", definition("bad", "\"ephemeralStorage\": 30"), "'ephemeralStorage'", "object");
        assertThat(client.fails("DescribeTaskDefinition", "{\"taskDefinition\": \"bad\"}")).isNotNull();

        client.call("RegisterTaskDefinition", definition("good", ""));
        for (String value : List.of("10", "500", "21.5")) {
            assertRefused("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"good\", \"overrides\": {\"ephemeralStorage\": {\"sizeInGiB\": " + value + "}}}",
                    "'overrides.ephemeralStorage.sizeInGiB'", "21 to 200");
        }
        assertRefused("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"good\", \"overrides\": {\"ephemeralStorage\": {\"size\": 30}}}", "'overrides.ephemeralStorage.size'");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).isEmpty();
    }

    private void assertRefused(String action, String request, String... messageParts)
    {
        EcsException error = client.fails(action, request);
        assertThat(error).as("%s %s", action, request).isNotNull();
        assertThat(error.type()).as(error.getMessage()).isEqualTo("ClientException");
        assertThat(error.getMessage()).contains(messageParts);
    }

    private JsonNode describeTask(JsonNode task)
    {
        return client.call("DescribeTasks", "{\"tasks\": [\"" + task.get("taskArn").asText() + "\"]}").get("tasks").get(0);
    }

    /** What the agent of the host the task was placed on is told to run. */
    private TaskAssignment assignment(String taskArn)
    {
        return sync().stream()
                .filter(assignment -> assignment.taskArn().equals(taskArn))
                .findFirst()
                .orElseThrow();
    }

    private List<TaskAssignment> sync()
    {
        return controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-1", "127.0.0.1", 2048, 4096, Map.of()), List.of())).tasks();
    }

    private static String definition(String family, String fields)
    {
        return "{\"family\": \"" + family + "\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\"" + (fields.isEmpty() ? "" : ", " + fields)
                + ", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}";
    }
}
