package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;
import io.berth.testing.BerthProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `berth host drain` moves a service's task make-before-break on a real fleet (a `berth server` process and two
 * agents in their own network namespaces): the replacement runs on the other host before the drained host's task is
 * stopped (ServiceSchedulerInitiated, before the drain deadline), and the host ends CORDONED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceDrainEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CLUSTER = TestFleet.CLUSTER;

    private TestFleet fleet;
    private EcsClient ecs;

    @BeforeAll
    void startFleet()
            throws Exception
    {
        fleet = TestFleet.start(2);
        ecs = fleet.operatorClient();
    }

    @AfterAll
    void stopFleet()
            throws Exception
    {
        if (ecs != null) {
            // first the services, so that no controller starts replacements while the fleet stops every task
            List<String> services = ecs.listServices(request -> request.cluster(CLUSTER)).serviceArns();
            services.forEach(arn -> ecs.deleteService(request -> request.cluster(CLUSTER).service(arn).force(true)));
            if (!services.isEmpty()) {
                waiter().waitUntilServicesInactive(request -> request.cluster(CLUSTER).services(services));
            }
            ecs.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aDrainedHostsServiceTaskIsReplacedBeforeItStops()
            throws Exception
    {
        // the shell ends at SIGTERM, so stopping a task takes no stopTimeout
        ContainerDefinition main = ContainerDefinition.builder().name("main").image(fleet.image())
                .command("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build();
        String definition = ecs.registerTaskDefinition(request -> request.family("drained").cpu("256").memory("512").containerDefinitions(main))
                .taskDefinition().taskDefinitionArn();
        ecs.createService(request -> request.cluster(CLUSTER).serviceName("drained").taskDefinition(definition).desiredCount(1).networkConfiguration(BerthEnvironment.awsvpc()));
        waiter().waitUntilServicesStable(request -> request.cluster(CLUSTER).services("drained"));
        Service stable = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(this::describe,
                service -> service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED);
        String deploymentId = stable.deployments().getFirst().id();
        Task original = running(deploymentId).getFirst();
        String drainedHost = hostOf(original.taskArn());

        BerthProcess.Result drain = BerthProcess.run(Optional.empty(), List.of("host", "drain", drainedHost, "--deadline", "80s"), fleet.operatorEnvironment());
        assertThat(drain.exitCode()).as("berth host drain: %s", drain.stderr()).isZero();

        // make before break: once the replacement RUNNING is seen, the original has not been told to stop yet
        Task replacement = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> running(deploymentId).stream()
                .filter(task -> !task.taskArn().equals(original.taskArn()) && task.lastStatus().equals("RUNNING")).findFirst().orElse(null),
                task -> task != null);
        Task originalThen = BerthEnvironment.describe(ecs, CLUSTER, original.taskArn());
        assertThat(originalThen.desiredStatus()).as("the drained host's task when its replacement runs").isEqualTo("RUNNING");
        assertThat(hostOf(replacement.taskArn())).isNotEqualTo(drainedHost);

        Task stopped = BerthEnvironment.awaitStatus(ecs, CLUSTER, original.taskArn(), "STOPPED", TIMEOUT);
        assertThat(stopped.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(stopped.stoppedAt()).isAfter(replacement.startedAt());
        JsonNode host = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin("GET", "/berth/hosts/" + drainedHost), node -> node.path("state").asText().equals("CORDONED"));
        assertThat(host.path("runningTasks").asInt()).isZero();
        assertThat(describe().runningCount()).isEqualTo(1);
        admin("POST", "/berth/hosts/" + drainedHost + "/uncordon");
    }

    private Service describe()
    {
        return ecs.describeServices(request -> request.cluster(CLUSTER).services("drained")).services().getFirst();
    }

    private List<Task> running(String deploymentId)
    {
        List<String> arns = ecs.listTasks(request -> request.cluster(CLUSTER).startedBy(deploymentId).desiredStatus(DesiredStatus.RUNNING)).taskArns();
        return arns.isEmpty() ? List.of() : ecs.describeTasks(request -> request.cluster(CLUSTER).tasks(arns)).tasks();
    }

    private EcsWaiter waiter()
    {
        return EcsWaiter.builder().client(ecs)
                .overrideConfiguration(WaiterOverrideConfiguration.builder().backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofSeconds(1)))
                        .maxAttempts((int) TIMEOUT.toSeconds()).build())
                .build();
    }

    private String hostOf(String taskArn)
    {
        JsonNode placement = admin("GET", "/berth/tasks/" + taskArn.substring(taskArn.lastIndexOf('/') + 1) + "/placement");
        assertThat(placement.hasNonNull("hostId")).as("task %s is placed: %s", taskArn, placement).isTrue();
        return placement.path("hostId").asText();
    }

    private JsonNode admin(String method, String path)
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin(method, path, Map.of(), method.equals("POST") ? Json.mapper().createObjectNode() : null);
        }
    }
}
