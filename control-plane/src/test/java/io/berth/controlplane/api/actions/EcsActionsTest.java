package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.EcsException;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The ECS actions called with JSON as the HTTP layer calls them; run on SQLite and PostgreSQL by the subclasses. */
abstract class EcsActionsTest
{
    private static final String WEB = """
            {"family": "web", "cpu": "0.25 vCPU", "memory": "1 GB", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
             "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
             "containerDefinitions": [{"name": "app", "image": "127.0.0.1:5000/app:1", "command": ["serve"],
               "environment": [{"name": "MODE", "value": "prod"}], "portMappings": [{"containerPort": 8080}],
               "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/web", "awslogs-stream-prefix": "web",
                 "awslogs-create-group": "true"}}}]}
            """;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private EcsClient alice;
    private EcsClient bob;

    protected abstract String jdbcUrl();

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of(jdbcUrl()).withClock(clock));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        alice = new EcsClient(controlPlane, controlPlane.accounts().createAccount("alice-" + suffix));
        bob = new EcsClient(controlPlane, controlPlane.accounts().createAccount("bob-" + suffix));
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void clusterLifecycle()
    {
        JsonNode created = alice.call("CreateCluster", "{\"clusterName\": \"prod\"}").get("cluster");
        String accountId = alice.context().account().accountId();
        assertThat(created.get("clusterArn").asText()).isEqualTo("arn:aws:ecs:us-east-1:" + accountId + ":cluster/prod");
        assertThat(created.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(alice.call("CreateCluster", "{\"clusterName\": \"prod\"}").get("cluster").get("clusterArn")).isEqualTo(created.get("clusterArn"));

        JsonNode described = alice.call("DescribeClusters", "{\"clusters\": [\"prod\", \"" + created.get("clusterArn").asText() + "\", \"nope\"]}");
        assertThat(described.get("clusters")).hasSize(2);
        assertThat(described.get("clusters").get(0).get("runningTasksCount").asInt()).isZero();
        assertThat(described.get("failures").get(0).get("arn").asText()).endsWith(":cluster/nope");
        assertThat(described.get("failures").get(0).get("reason").asText()).isEqualTo("MISSING");

        assertThat(alice.call("DeleteCluster", "{\"cluster\": \"prod\"}").get("cluster").get("status").asText()).isEqualTo("INACTIVE");
        assertThat(alice.call("DescribeClusters", "{\"clusters\": [\"prod\"]}").get("clusters").get(0).get("status").asText()).isEqualTo("INACTIVE");
        assertThat(alice.call("ListClusters", "{}").get("clusterArns")).isEmpty();
        assertThat(alice.fails("DeleteCluster", "{\"cluster\": \"prod\"}").type()).isEqualTo("ClusterNotFoundException");
    }

    @Test
    void listClustersPages()
    {
        for (String name : List.of("c1", "c2", "c3")) {
            alice.call("CreateCluster", "{\"clusterName\": \"" + name + "\"}");
        }
        JsonNode first = alice.call("ListClusters", "{\"maxResults\": 2}");
        assertThat(first.get("clusterArns")).hasSize(2);
        JsonNode second = alice.call("ListClusters", "{\"maxResults\": 2, \"nextToken\": \"" + first.get("nextToken").asText() + "\"}");
        assertThat(second.get("clusterArns")).hasSize(1);
        assertThat(second.get("clusterArns").get(0).asText()).endsWith("cluster/c3");
        assertThat(second.has("nextToken")).isFalse();
        assertThat(alice.fails("ListClusters", "{\"nextToken\": \"garbage\"}").type()).isEqualTo("InvalidParameterException");
    }

    @Test
    void taskDefinitionRevisions()
    {
        JsonNode first = alice.call("RegisterTaskDefinition", WEB).get("taskDefinition");
        assertThat(first.get("revision").asInt()).isEqualTo(1);
        assertThat(first.get("cpu").asText()).isEqualTo("256");
        assertThat(first.get("memory").asText()).isEqualTo("1024");
        assertThat(first.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(first.get("executionRoleArn").asText()).isEqualTo("arn:aws:iam::123456789012:role/exec");
        JsonNode container = first.get("containerDefinitions").get(0);
        assertThat(container.get("essential").asBoolean()).isTrue();
        assertThat(container.get("portMappings").get(0).get("hostPort").asInt()).isEqualTo(8080);
        assertThat(container.get("logConfiguration").get("options").get("awslogs-group").asText()).isEqualTo("/web");
        assertThat(container.get("environment").get(0).get("value").asText()).isEqualTo("prod");
        assertThat(first.get("registeredAt").isNumber()).isTrue();

        JsonNode second = alice.call("RegisterTaskDefinition", WEB).get("taskDefinition");
        assertThat(second.get("revision").asInt()).isEqualTo(2);
        assertThat(alice.call("DescribeTaskDefinition", "{\"taskDefinition\": \"web\"}").get("taskDefinition").get("revision").asInt()).isEqualTo(2);
        assertThat(alice.call("DescribeTaskDefinition", "{\"taskDefinition\": \"web:1\"}").get("taskDefinition").get("revision").asInt()).isEqualTo(1);
        assertThat(alice.call("DescribeTaskDefinition", "{\"taskDefinition\": \"" + first.get("taskDefinitionArn").asText() + "\"}")
                .get("taskDefinition").get("revision").asInt()).isEqualTo(1);

        JsonNode deregistered = alice.call("DeregisterTaskDefinition", "{\"taskDefinition\": \"web:2\"}").get("taskDefinition");
        assertThat(deregistered.get("status").asText()).isEqualTo("INACTIVE");
        assertThat(deregistered.get("deregisteredAt").isNumber()).isTrue();
        assertThat(alice.call("DescribeTaskDefinition", "{\"taskDefinition\": \"web\"}").get("taskDefinition").get("revision").asInt()).isEqualTo(1);
        assertThat(texts(alice.call("ListTaskDefinitions", "{}").get("taskDefinitionArns"))).containsExactly(first.get("taskDefinitionArn").asText());
        assertThat(texts(alice.call("ListTaskDefinitions", "{\"status\": \"INACTIVE\"}").get("taskDefinitionArns")))
                .containsExactly(second.get("taskDefinitionArn").asText());
        assertThat(texts(alice.call("ListTaskDefinitionFamilies", "{\"familyPrefix\": \"we\"}").get("families"))).containsExactly("web");
        assertThat(alice.fails("DescribeTaskDefinition", "{\"taskDefinition\": \"web:9\"}").type()).isEqualTo("ClientException");
        assertThat(alice.fails("DeregisterTaskDefinition", "{\"taskDefinition\": \"web\"}").type()).isEqualTo("ClientException");
    }

    @Test
    void taskDefinitionValidation()
    {
        EcsException badSize = alice.fails("RegisterTaskDefinition", """
                {"family": "x", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "4096", "containerDefinitions": [{"name": "a", "image": "i"}]}""");
        assertThat(badSize.type()).isEqualTo("InvalidParameterException");
        assertThat(badSize.getMessage()).contains("512, 1024, 2048");
        assertThat(alice.fails("RegisterTaskDefinition", "{\"family\": \"x\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": []}").getMessage())
                .isEqualTo("Container list cannot be empty.");
        assertThat(alice.fails("RegisterTaskDefinition", "{\"family\": \"x\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"a\"}]}").getMessage())
                .contains("Container.image");
        assertThat(alice.fails("RegisterTaskDefinition", "{\"family\": \"bad name\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}").type())
                .isEqualTo("ClientException");
        assertThat(alice.fails("RegisterTaskDefinition", "{\"family\": \"x\", \"requiresCompatibilities\": [\"FARGATE\"], \"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\"}]}")
                .getMessage()).contains("awsvpc");
        assertThat(alice.fails("RegisterTaskDefinition", "{\"family\": \"x\", \"requiresCompatibilities\": [\"FARGATE\"], \"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\", \"memory\": 1024}]}")
                .getMessage()).contains("greater than for the task");

        // no task size: the smallest Fargate size that holds the containers
        JsonNode derived = alice.call("RegisterTaskDefinition", "{\"family\": \"small\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\", \"memory\": 600}]}")
                .get("taskDefinition");
        assertThat(derived.get("cpu").asText()).isEqualTo("256");
        assertThat(derived.get("memory").asText()).isEqualTo("1024");
    }

    @Test
    void runDescribeListAndStopTasks()
    {
        alice.call("RegisterTaskDefinition", WEB);
        alice.call("CreateCluster", "{\"clusterName\": \"prod\"}");
        JsonNode run = alice.call("RunTask", """
                {"cluster": "prod", "taskDefinition": "web", "count": 2, "startedBy": "ci", "launchType": "FARGATE",
                 "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}},
                 "tags": [{"key": "team", "value": "a"}],
                 "overrides": {"cpu": "512", "containerOverrides": [{"name": "app", "command": ["migrate"], "environment": [{"name": "EXTRA", "value": "1"}]}]}}""");
        assertThat(run.get("failures")).isEmpty();
        assertThat(run.get("tasks")).hasSize(2);
        JsonNode task = run.get("tasks").get(0);
        String taskArn = task.get("taskArn").asText();
        String accountId = alice.context().account().accountId();
        assertThat(taskArn).matches("arn:aws:ecs:us-east-1:" + accountId + ":task/prod/[0-9a-f]{32}");
        assertThat(task.get("lastStatus").asText()).isEqualTo("PROVISIONING");
        assertThat(task.get("desiredStatus").asText()).isEqualTo("RUNNING");
        assertThat(task.get("cpu").asText()).isEqualTo("512");
        assertThat(task.get("memory").asText()).isEqualTo("1024");
        assertThat(task.get("launchType").asText()).isEqualTo("FARGATE");
        assertThat(task.get("platformVersion").asText()).isEqualTo("1.4.0");
        assertThat(task.get("group").asText()).isEqualTo("family:web");
        assertThat(task.get("startedBy").asText()).isEqualTo("ci");
        assertThat(task.get("createdAt").isNumber()).isTrue();
        assertThat(task.get("createdAt").asDouble()).isEqualTo(clock.instant().toEpochMilli() / 1000.0);
        assertThat(task.get("overrides").get("containerOverrides").get(0).get("command").get(0).asText()).isEqualTo("migrate");
        assertThat(task.get("containers").get(0).get("name").asText()).isEqualTo("app");
        assertThat(task.get("containers").get(0).get("taskArn").asText()).isEqualTo(taskArn);
        assertThat(task.get("containers").get(0).get("lastStatus").asText()).isEqualTo("PENDING");
        assertThat(task.get("taskDefinitionArn").asText()).endsWith("task-definition/web:1");

        JsonNode cluster = alice.call("DescribeClusters", "{\"clusters\": [\"prod\"]}").get("clusters").get(0);
        assertThat(cluster.get("pendingTasksCount").asInt()).isEqualTo(2);

        assertThat(alice.call("ListTasks", "{\"cluster\": \"prod\"}").get("taskArns")).hasSize(2);
        assertThat(alice.call("ListTasks", "{\"cluster\": \"prod\", \"startedBy\": \"other\"}").get("taskArns")).isEmpty();
        assertThat(alice.call("ListTasks", "{\"cluster\": \"prod\", \"family\": \"web\", \"maxResults\": 1}").get("nextToken")).isNotNull();

        // never placed (no host yet): StopTask stops it at once
        JsonNode stopped = alice.call("StopTask", "{\"cluster\": \"prod\", \"task\": \"" + taskArn + "\", \"reason\": \"done\"}").get("task");
        assertThat(stopped.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(stopped.get("stopCode").asText()).isEqualTo("UserInitiated");
        assertThat(stopped.get("stoppedReason").asText()).isEqualTo("done");
        assertThat(stopped.get("stoppingAt").isNumber()).isTrue();
        assertThat(stopped.get("version").asLong()).isGreaterThan(task.get("version").asLong());

        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        JsonNode described = alice.call("DescribeTasks", "{\"cluster\": \"prod\", \"tasks\": [\"" + taskId + "\", \"0123456789abcdef0123456789abcdef\"]}");
        assertThat(described.get("tasks").get(0).get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(described.get("failures").get(0).get("reason").asText()).isEqualTo("MISSING");
        assertThat(alice.call("ListTasks", "{\"cluster\": \"prod\", \"desiredStatus\": \"STOPPED\"}").get("taskArns")).hasSize(1);
        assertThat(alice.call("ListTasks", "{\"cluster\": \"prod\"}").get("taskArns")).hasSize(1);

        assertThat(alice.fails("DeleteCluster", "{\"cluster\": \"prod\"}").type()).isEqualTo("ClusterContainsTasksException");
        assertThat(alice.fails("StopTask", "{\"cluster\": \"prod\", \"task\": \"0123456789abcdef0123456789abcdef\"}").type()).isEqualTo("InvalidParameterException");
    }

    @Test
    void runTaskValidation()
    {
        alice.call("RegisterTaskDefinition", WEB);
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\", \"launchType\": \"EC2\"}").getMessage()).contains("FARGATE");
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\", \"count\": 11}").type()).isEqualTo("InvalidParameterException");
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"nope\"}").getMessage()).isEqualTo("TaskDefinition not found.");
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\", \"overrides\": {\"containerOverrides\": [{\"name\": \"db\"}]}}").type())
                .isEqualTo("InvalidParameterException");
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\", \"overrides\": {\"memory\": \"8192\"}}").getMessage()).contains("512, 1024, 2048");
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"cluster\": \"nope\", \"taskDefinition\": \"web\"}").type()).isEqualTo("ClusterNotFoundException");
        assertThat(alice.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": 5}").type()).isEqualTo("SerializationException");
        assertThat(alice.fails("RunTask", "{\"taskDefinition\": \"web\", \"tags\": \"team=a\"}").type()).isEqualTo("SerializationException");
        assertThat(alice.fails("RunTask", "{\"taskDefinition\": \"web\"}").getMessage())
                .isEqualTo("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        assertThat(alice.fails("RunTask", "{\"taskDefinition\": \"web\", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": []}}}")
                .getMessage()).isEqualTo("subnets can not be empty.");
    }

    @Test
    void defaultClusterIsCreatedOnDemand()
    {
        alice.call("RegisterTaskDefinition", WEB);
        JsonNode task = alice.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web:1\"}").get("tasks").get(0);
        assertThat(task.get("clusterArn").asText()).endsWith(":cluster/default");
        assertThat(texts(alice.call("ListClusters", "{}").get("clusterArns"))).singleElement().asString().endsWith("cluster/default");
        assertThat(alice.call("ListTasks", "{}").get("taskArns")).hasSize(1);
    }

    @Test
    void stoppedTasksArePurgedAfterTheRetention()
    {
        alice.call("RegisterTaskDefinition", WEB);
        String taskArn = alice.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\"}").get("tasks").get(0).get("taskArn").asText();
        alice.call("StopTask", "{\"task\": \"" + taskArn + "\"}");
        controlPlane.purgeExpired();
        assertThat(alice.call("DescribeTasks", "{\"tasks\": [\"" + taskArn + "\"]}").get("tasks")).hasSize(1);

        clock.advance(Duration.ofMinutes(61));
        assertThat(controlPlane.purgeExpired()).isEqualTo(1);
        JsonNode described = alice.call("DescribeTasks", "{\"tasks\": [\"" + taskArn + "\"]}");
        assertThat(described.get("tasks")).isEmpty();
        assertThat(described.get("failures").get(0).get("arn").asText()).isEqualTo(taskArn);
    }

    @Test
    void accountsCannotSeeEachOther()
    {
        JsonNode cluster = alice.call("CreateCluster", "{\"clusterName\": \"prod\"}").get("cluster");
        JsonNode definition = alice.call("RegisterTaskDefinition", WEB).get("taskDefinition");
        JsonNode task = alice.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"cluster\": \"prod\", \"taskDefinition\": \"web\"}").get("tasks").get(0);
        String clusterArn = cluster.get("clusterArn").asText();
        String taskArn = task.get("taskArn").asText();

        assertThat(bob.call("ListClusters", "{}").get("clusterArns")).isEmpty();
        JsonNode clusters = bob.call("DescribeClusters", "{\"clusters\": [\"" + clusterArn + "\", \"prod\"]}");
        assertThat(clusters.get("clusters")).isEmpty();
        assertThat(clusters.get("failures")).hasSize(2);
        assertThat(bob.fails("DeleteCluster", "{\"cluster\": \"" + clusterArn + "\"}").type()).isEqualTo("ClusterNotFoundException");

        assertThat(bob.fails("DescribeTaskDefinition", "{\"taskDefinition\": \"web\"}").type()).isEqualTo("ClientException");
        assertThat(bob.fails("DescribeTaskDefinition", "{\"taskDefinition\": \"" + definition.get("taskDefinitionArn").asText() + "\"}").type())
                .isEqualTo("ClientException");
        assertThat(bob.call("ListTaskDefinitions", "{}").get("taskDefinitionArns")).isEmpty();
        assertThat(bob.call("ListTaskDefinitionFamilies", "{}").get("families")).isEmpty();
        assertThat(bob.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"" + definition.get("taskDefinitionArn").asText() + "\"}").getMessage())
                .isEqualTo("TaskDefinition not found.");
        assertThat(bob.fails("DeregisterTaskDefinition", "{\"taskDefinition\": \"web:1\"}").type()).isEqualTo("ClientException");

        assertThat(bob.fails("DescribeTasks", "{\"cluster\": \"" + clusterArn + "\", \"tasks\": [\"" + taskArn + "\"]}").type())
                .isEqualTo("ClusterNotFoundException");
        bob.call("CreateCluster", "{\"clusterName\": \"prod\"}");
        JsonNode tasks = bob.call("DescribeTasks", "{\"cluster\": \"prod\", \"tasks\": [\"" + taskArn + "\"]}");
        assertThat(tasks.get("tasks")).isEmpty();
        assertThat(tasks.get("failures").get(0).get("reason").asText()).isEqualTo("MISSING");
        assertThat(bob.call("ListTasks", "{\"cluster\": \"prod\"}").get("taskArns")).isEmpty();
        assertThat(bob.fails("StopTask", "{\"cluster\": \"prod\", \"task\": \"" + taskArn + "\"}").type()).isEqualTo("InvalidParameterException");

        // alice's task is untouched
        assertThat(alice.call("DescribeTasks", "{\"cluster\": \"prod\", \"tasks\": [\"" + taskArn + "\"]}").get("tasks").get(0)
                .get("desiredStatus").asText()).isEqualTo("RUNNING");
    }

    private static List<String> texts(JsonNode array)
    {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
