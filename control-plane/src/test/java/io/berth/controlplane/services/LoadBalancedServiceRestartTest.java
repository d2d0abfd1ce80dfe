package io.berth.controlplane.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.IngressReport;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.loadbalancing.HealthCheck;
import io.berth.controlplane.loadbalancing.LoadBalancer;
import io.berth.controlplane.loadbalancing.TargetGroup;
import io.berth.controlplane.loadbalancing.TargetHealth;
import io.berth.controlplane.loadbalancing.TargetRegistration;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A load-balanced service's task deregistered before its stop is stopped when the target group's deregistration delay
 * ends, also when the control plane restarts during the delay: neither at once (no drain) nor a whole delay later.
 * Through the control plane on SQLite with a host and an ingress host reporting by the agent protocol.
 */
class LoadBalancedServiceRestartTest
{
    private static final HostInfo HOST = new HostInfo("host-a", "10.0.0.1", 4096, 8192, Map.of());
    private static final String TASK_ADDRESS = "10.213.0.7";
    private static final int DEREGISTRATION_DELAY_SECONDS = 30;

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AccessKey tenant;
    private EcsClient ecs;
    private TargetGroup group;

    @BeforeEach
    void start()
    {
        startControlPlane();
        controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("tenant");
        ecs = new EcsClient(controlPlane, tenant);
        String account = tenant.account().accountId();
        ecs.call("RegisterTaskDefinition", """
                {"family": "web", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "networkMode": "awsvpc",
                 "containerDefinitions": [{"name": "web", "image": "busybox", "portMappings": [{"containerPort": 8080}]}]}""");
        LoadBalancer loadBalancer = controlPlane.loadBalancing().createLoadBalancer(account, "us-east-1", "web");
        group = controlPlane.loadBalancing().createTargetGroup(account, "us-east-1", "web", 8080, HealthCheck.DEFAULT);
        controlPlane.loadBalancing().setDeregistrationDelay(account, group.arn(), DEREGISTRATION_DELAY_SECONDS);
        controlPlane.loadBalancing().createListener(account, "us-east-1", loadBalancer.arn(), 80, group.arn());
    }

    private void startControlPlane()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        if (tenant != null) {
            ecs = new EcsClient(controlPlane, tenant);
        }
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void aControlPlaneRestartedDuringTheDeregistrationDelayStopsTheTaskWhenTheDelayEnds()
    {
        ecs.call("CreateService", """
                {"serviceName": "web", "taskDefinition": "web", "desiredCount": 1,
                 "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
                 "loadBalancers": [{"targetGroupArn": "%s", "containerName": "web", "containerPort": 8080}]}""".formatted(group.arn()));
        controlPlane.runMaintenance();
        String taskId = sync("initial").tasks().getFirst().taskId();
        sync("initial", running(taskId));
        controlPlane.runMaintenance();
        assertThat(targetStates()).as("the RUNNING task registered").containsExactly("initial");
        clock.advance(Duration.ofSeconds(10));
        sync("healthy", running(taskId));
        controlPlane.runMaintenance();
        assertThat(service().get("runningCount").asInt()).isEqualTo(1);

        ecs.call("UpdateService", "{\"service\": \"web\", \"desiredCount\": 0}");
        controlPlane.runMaintenance();
        assertThat(targetStates()).containsExactly("draining");
        assertThat(task(taskId).get("desiredStatus").asText()).as("in flight requests finish first").isEqualTo("RUNNING");
        // as ECS counts it: RUNNING until it stops, though the service no longer counts on it
        assertThat(service().get("runningCount").asInt()).isEqualTo(1);
        assertThat(service().get("deployments").get(0).get("runningCount").asInt()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(DEREGISTRATION_DELAY_SECONDS - 10));
        controlPlane.close();
        startControlPlane();
        sync("healthy", running(taskId));
        controlPlane.runMaintenance();
        assertThat(task(taskId).get("desiredStatus").asText()).as("restarted during the delay: not stopped at once").isEqualTo("RUNNING");

        clock.advance(Duration.ofSeconds(11));
        sync("healthy", running(taskId));
        controlPlane.runMaintenance();
        JsonNode stopping = task(taskId);
        assertThat(stopping.get("desiredStatus").asText()).as("stopped once the delay that began before the restart ends").isEqualTo("STOPPED");
        assertThat(stopping.get("stoppedReason").asText()).startsWith("Scaling activity initiated by (deployment ");
        assertThat(targetStates()).isEmpty();
    }

    /** A sync of the host (also the ingress host) with its reports, and the health its load balancer sees of the task. */
    private io.berth.common.agentprotocol.SyncResponse sync(String health, TaskReport... reports)
    {
        IngressReport ingress = new IngressReport(List.of(new IngressReport.TargetHealth(group.arn(), TASK_ADDRESS, 8080, health, null, null)));
        return controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of(reports)).withIngress(ingress));
    }

    private TaskReport running(String taskId)
    {
        return new TaskReport(taskId, TaskReport.Status.RUNNING, null, null, clock.instant(), null, null, null, List.of(), null,
                new NetworkReport(TASK_ADDRESS, "10.213.0.0/24", "10.213.0.1", "02:00:00:00:00:07"));
    }

    private List<String> targetStates()
    {
        return new TargetRegistration(controlPlane.loadBalancing()).health(tenant.account().accountId(), group.arn(), List.of()).stream().map(TargetHealth::state).toList();
    }

    private JsonNode service()
    {
        return ecs.call("DescribeServices", "{\"services\": [\"web\"]}").get("services").get(0);
    }

    private JsonNode task(String taskId)
    {
        return ecs.call("DescribeTasks", "{\"tasks\": [\"" + taskId + "\"]}").get("tasks").get(0);
    }
}
