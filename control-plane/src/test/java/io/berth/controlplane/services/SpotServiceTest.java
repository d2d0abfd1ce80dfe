package io.berth.controlplane.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.api.admin.AdminClient;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Services on a capacity provider strategy, through the ECS API and the controller on SQLite with one host reporting
 * by the agent protocol: tasks spread over FARGATE and FARGATE_SPOT as the strategy says (each with its
 * capacityProviderName), an interrupted spot task replaced at once (no failure of the deployment, no back-off), the
 * cluster's default strategy for a service that names neither, and UpdateService's strategy change under ECS's rule.
 */
class SpotServiceTest
{
    private static final HostInfo HOST = new HostInfo("host-1", "10.0.0.1", 8192, 16384, Map.of());
    private static final String NETWORK = "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}";
    private static final String STRATEGY = "[{\"capacityProvider\": \"FARGATE\", \"base\": 1, \"weight\": 0}, {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]";

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AccessKey operator;
    private EcsClient ecs;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        operator = controlPlane.accounts().bootstrapOperator();
        ecs = new EcsClient(controlPlane, controlPlane.accounts().createAccount("tenant"));
        ecs.call("RegisterTaskDefinition", "{\"family\": \"web\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", "
                + "\"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        ecs.call("CreateCluster", "{\"clusterName\": \"default\", \"capacityProviders\": [\"FARGATE\", \"FARGATE_SPOT\"]}");
        sync();
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void tasksFollowTheStrategyAndAnInterruptedSpotTaskIsReplacedAtOnce()
    {
        JsonNode created = ecs.call("CreateService", "{\"serviceName\": \"web\", \"taskDefinition\": \"web\", \"desiredCount\": 3, " + NETWORK
                + ", \"capacityProviderStrategy\": " + STRATEGY + "}").get("service");
        assertThat(created.has("launchType")).as("a service on a strategy has no launchType, as in ECS").isFalse();
        assertThat(created.get("capacityProviderStrategy").get(1).get("capacityProvider").asText()).isEqualTo("FARGATE_SPOT");
        assertThat(created.get("deployments").get(0).get("capacityProviderStrategy")).hasSize(2);

        controlPlane.runMaintenance();
        List<JsonNode> tasks = serviceTasks("RUNNING");
        assertThat(tasks).extracting(task -> task.get("capacityProviderName").asText()).containsExactlyInAnyOrder("FARGATE", "FARGATE_SPOT", "FARGATE_SPOT");
        List<String> spot = tasks.stream().filter(task -> task.get("capacityProviderName").asText().equals("FARGATE_SPOT"))
                .map(task -> task.get("taskArn").asText()).toList();
        List<String> ids = tasks.stream().map(task -> id(task.get("taskArn").asText())).toList();
        sync(ids.stream().map(this::running).toArray(TaskReport[]::new));

        new AdminClient(controlPlane).call(operator, "POST", "/berth/hosts/{hostId}/interrupt-spot", Map.of("hostId", "host-1"), Map.of(), "{}");
        for (String arn : spot) {
            assertThat(describe(arn).get("stopCode").asText()).isEqualTo("SpotInterruption");
        }
        // the agent stops them (SIGTERM, then SIGKILL) and reports them STOPPED; the service replaces them on spot again
        List<TaskReport> reports = new ArrayList<>();
        ids.forEach(id -> reports.add(spot.stream().anyMatch(arn -> arn.endsWith("/" + id)) ? stopped(id) : running(id)));
        sync(reports.toArray(TaskReport[]::new));
        controlPlane.runMaintenance();

        List<JsonNode> after = serviceTasks("RUNNING");
        assertThat(after).hasSize(3);
        assertThat(after).extracting(task -> task.get("taskArn").asText()).doesNotContainAnyElementsOf(spot);
        assertThat(after).extracting(task -> task.get("capacityProviderName").asText()).containsExactlyInAnyOrder("FARGATE", "FARGATE_SPOT", "FARGATE_SPOT");
        JsonNode service = service();
        assertThat(service.get("deployments").get(0).get("failedTasks").asInt()).as("an interruption is no failure of the deployment").isZero();
        assertThat(service.get("events").toString()).contains("has started 2 tasks").doesNotContain("unable to consistently start tasks");
    }

    @Test
    void aServiceThatNamesNeitherTakesTheClustersDefaultStrategyAndOnlyAssociatedProviders()
    {
        ecs.call("PutClusterCapacityProviders", "{\"cluster\": \"default\", \"capacityProviders\": [\"FARGATE\", \"FARGATE_SPOT\"], "
                + "\"defaultCapacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}");
        JsonNode byDefault = ecs.call("CreateService", "{\"serviceName\": \"cheap\", \"taskDefinition\": \"web\", \"desiredCount\": 1, " + NETWORK + "}")
                .get("service");
        assertThat(byDefault.get("capacityProviderStrategy").get(0).get("capacityProvider").asText()).isEqualTo("FARGATE_SPOT");
        JsonNode onDemand = ecs.call("CreateService", "{\"serviceName\": \"steady\", \"taskDefinition\": \"web\", \"desiredCount\": 1, \"launchType\": \"FARGATE\", "
                + NETWORK + "}").get("service");
        assertThat(onDemand.get("launchType").asText()).isEqualTo("FARGATE");
        assertThat(onDemand.has("capacityProviderStrategy")).isFalse();

        ecs.call("CreateCluster", "{\"clusterName\": \"plain\"}");
        EcsException unassociated = ecs.fails("CreateService", "{\"cluster\": \"plain\", \"serviceName\": \"s\", \"taskDefinition\": \"web\", \"desiredCount\": 1, "
                + NETWORK + ", \"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]}");
        assertThat(unassociated.type()).isEqualTo("InvalidParameterException");
        assertThat(unassociated.getMessage()).contains("not associated");
        EcsException both = ecs.fails("CreateService", "{\"serviceName\": \"s\", \"taskDefinition\": \"web\", \"desiredCount\": 1, \"launchType\": \"FARGATE\", "
                + NETWORK + ", \"capacityProviderStrategy\": " + STRATEGY + "}");
        assertThat(both.type()).isEqualTo("InvalidParameterException");
        assertThat(ecs.call("ListServices", "{\"cluster\": \"plain\"}").get("serviceArns")).isEmpty();
    }

    @Test
    void updateServiceChangesTheStrategyOnlyWithANewDeployment()
    {
        ecs.call("CreateService", "{\"serviceName\": \"web\", \"taskDefinition\": \"web\", \"desiredCount\": 1, " + NETWORK + "}");
        String spotOnly = "[{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 1}]";

        EcsException unforced = ecs.fails("UpdateService", "{\"service\": \"web\", \"capacityProviderStrategy\": " + spotOnly + "}");
        assertThat(unforced.type()).isEqualTo("InvalidParameterException");
        assertThat(unforced.getMessage()).contains("you must force a new deployment");
        assertThat(service().get("launchType").asText()).isEqualTo("FARGATE");

        JsonNode moved = ecs.call("UpdateService", "{\"service\": \"web\", \"forceNewDeployment\": true, \"capacityProviderStrategy\": " + spotOnly + "}")
                .get("service");
        assertThat(moved.get("deployments")).hasSize(2);
        assertThat(moved.get("capacityProviderStrategy").get(0).get("capacityProvider").asText()).isEqualTo("FARGATE_SPOT");
        controlPlane.runMaintenance();
        String primary = moved.get("deployments").get(0).get("id").asText();
        assertThat(serviceTasks("RUNNING")).filteredOn(task -> task.get("startedBy").asText().equals(primary))
                .extracting(task -> task.get("capacityProviderName").asText()).containsExactly("FARGATE_SPOT");

        // the same strategy again needs no deployment; an empty one goes back to launchType FARGATE, with one
        JsonNode same = ecs.call("UpdateService", "{\"service\": \"web\", \"capacityProviderStrategy\": " + spotOnly + "}").get("service");
        assertThat(same.get("deployments").get(0).get("id").asText()).isEqualTo(primary);
        JsonNode back = ecs.call("UpdateService", "{\"service\": \"web\", \"forceNewDeployment\": true, \"capacityProviderStrategy\": []}").get("service");
        assertThat(back.get("launchType").asText()).isEqualTo("FARGATE");
    }

    private JsonNode service()
    {
        return ecs.call("DescribeServices", "{\"services\": [\"web\"]}").get("services").get(0);
    }

    private List<JsonNode> serviceTasks(String desiredStatus)
    {
        JsonNode arns = ecs.call("ListTasks", "{\"serviceName\": \"web\", \"desiredStatus\": \"" + desiredStatus + "\"}").get("taskArns");
        List<JsonNode> tasks = new ArrayList<>();
        if (!arns.isEmpty()) {
            ecs.call("DescribeTasks", "{\"tasks\": " + arns + "}").get("tasks").forEach(tasks::add);
        }
        return tasks;
    }

    private JsonNode describe(String taskArn)
    {
        return ecs.call("DescribeTasks", "{\"tasks\": [\"" + taskArn + "\"]}").get("tasks").get(0);
    }

    private void sync(TaskReport... reports)
    {
        controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of(reports)));
        clock.advance(Duration.ofSeconds(1));
    }

    private TaskReport running(String taskId)
    {
        return new TaskReport(taskId, TaskReport.Status.RUNNING, clock.instant(), clock.instant(), clock.instant(), null, null, null, List.of());
    }

    private TaskReport stopped(String taskId)
    {
        return new TaskReport(taskId, TaskReport.Status.STOPPED, clock.instant(), clock.instant(), clock.instant(), clock.instant(), null, null, List.of());
    }

    private static String id(String taskArn)
    {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }
}
