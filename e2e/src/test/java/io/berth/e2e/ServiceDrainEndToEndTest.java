package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;
import io.berth.testing.BerthProcess;
import io.berth.testing.NetnsHttpLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Service tasks move off hosts on a real fleet (a `berth server` process and three agents in their own network
 * namespaces; agent 0 is the ingress host, `berth agent --ingress`, running HAProxy, and the services' tasks run on the
 * two others): `berth host drain` replaces a service's task make-before-break, also a load-balanced one under a steady
 * request load sent from the ingress host's namespace (where the load balancer's address is), where the replacement
 * turns healthy in the target group before the old task is deregistered, drained and stopped, and no request fails;
 * and the tasks of a host lost (its agent killed for longer than host-lost-after) come back on the remaining host,
 * the service steady again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceDrainEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CLUSTER = TestFleet.CLUSTER;
    private static final int INGRESS_HOST = 0;
    private static final int WEB_PORT = 8080;
    private static final int LISTENER_PORT = 8000;
    /** The services' tasks run on the worker hosts, so that the ingress host is neither drained nor lost. */
    private static final PlacementConstraint ON_WORKERS = PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF)
            .expression("attribute:role == worker").build();

    private TestFleet fleet;
    private EcsClient ecs;
    private ElasticLoadBalancingV2Client elb;

    @BeforeAll
    void startFleet()
            throws Exception
    {
        fleet = TestFleet.start(3, options -> options.withAgentArguments((index, network) -> index == INGRESS_HOST
                ? List.of("--bridge", network.bridgeName(), "--ingress", "--attribute", "role=ingress")
                : List.of("--bridge", network.bridgeName(), "--attribute", "role=worker")));
        ecs = fleet.operatorClient();
        Map<String, String> operator = fleet.operatorEnvironment();
        elb = ElasticLoadBalancingV2Client.builder()
                .endpointOverride(fleet.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @AfterAll
    void stopFleet()
            throws Exception
    {
        if (ecs != null) {
            // first the services, so that no controller starts replacements while the fleet stops every task
            List<String> services = ecs.listServices(request -> request.cluster(CLUSTER)).serviceArns();
            services.forEach(this::deleteService);
            ecs.close();
        }
        if (elb != null) {
            ServiceLoadBalancerEndToEndTest.deleteEveryLoadBalancerAndTargetGroup(elb);
            elb.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    /** Each test leaves the fleet as it found it, also when it failed: no service, every host ACTIVE. */
    @AfterEach
    void removeServicesAndUncordon()
            throws Exception
    {
        ecs.listServices(request -> request.cluster(CLUSTER)).serviceArns().forEach(this::deleteService);
        for (int i = 0; i < fleet.size(); i++) {
            if (fleet.agentIsAlive(i)) {
                admin("POST", "/berth/hosts/" + fleet.hostId(i) + "/uncordon");
            }
        }
    }

    @Test
    @Order(1)
    void aDrainedHostsServiceTaskIsReplacedBeforeItStops()
            throws Exception
    {
        createSleepingService("drained", 1);
        waiter().waitUntilServicesStable(request -> request.cluster(CLUSTER).services("drained"));
        Service stable = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("drained"),
                service -> service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED);
        String deploymentId = stable.deployments().getFirst().id();
        Task original = running(deploymentId).getFirst();
        String drainedHost = hostOf(original.taskArn());

        drain(drainedHost);

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
        // the stopped original leaves runningCount at the controller's next pass (ECS counts a task RUNNING until it stops)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> describe("drained").runningCount(), count -> count == 1);
    }

    @Test
    @Order(2)
    void aDrainOfALoadBalancedServicesHostUnderLoadFailsNoRequest()
            throws Exception
    {
        String definition = ecs.registerTaskDefinition(request -> request.family("web").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").networkMode("awsvpc")
                        .containerDefinitions(ContainerDefinition.builder().name("web").image(fleet.image())
                                .command("sh", "-c", "mkdir -p /tmp/www; echo web > /tmp/www/index.html; echo ok > /tmp/www/health; "
                                        + "httpd -p " + WEB_PORT + " -h /tmp/www; trap 'exit 0' TERM; sleep 600 & wait")
                                .portMappings(PortMapping.builder().containerPort(WEB_PORT).build())
                                .stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
        LoadBalancer loadBalancer = elb.createLoadBalancer(request -> request.name("web").type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().getFirst();
        String targetGroup = elb.createTargetGroup(request -> request.name("web").protocol(ProtocolEnum.HTTP).port(WEB_PORT).targetType(TargetTypeEnum.IP)
                        .healthCheckPath("/health").healthCheckIntervalSeconds(5).healthCheckTimeoutSeconds(2).healthyThresholdCount(2).unhealthyThresholdCount(2))
                .targetGroups().getFirst().targetGroupArn();
        elb.modifyTargetGroupAttributes(request -> request.targetGroupArn(targetGroup)
                .attributes(TargetGroupAttribute.builder().key("deregistration_delay.timeout_seconds").value("3").build()));
        elb.createListener(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(LISTENER_PORT)
                .defaultActions(Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroup).build()));
        ecs.createService(CreateServiceRequest.builder().cluster(CLUSTER).serviceName("web").taskDefinition(definition).desiredCount(1)
                .networkConfiguration(BerthEnvironment.awsvpc()).placementConstraints(ON_WORKERS).healthCheckGracePeriodSeconds(30)
                .loadBalancers(entry -> entry.targetGroupArn(targetGroup).containerName("web").containerPort(WEB_PORT)).build());
        Service stable = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("web"), service -> service.runningCount() == 1
                && service.deployments().size() == 1 && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED);
        Task original = running(stable.deployments().getFirst().id()).getFirst();
        String originalAddress = address(original);
        assertThat(targets(targetGroup)).singleElement().satisfies(target -> {
            assertThat(target.target().id()).isEqualTo(originalAddress);
            assertThat(target.targetHealth().stateAsString()).isEqualTo("healthy");
        });
        String drainedHost = hostOf(original.taskArn());
        URI url = URI.create("http://" + loadBalancer.dnsName() + ":" + LISTENER_PORT + "/");
        // the ingress host's HAProxy serves the load balancer on its own address in the ingress host's namespace
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (NetnsHttpLoad probe = NetnsHttpLoad.start(fleet.host(INGRESS_HOST), url, Duration.ZERO, 1)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> probe.answered() + probe.failures().size() == 1);
                return probe.answered() == 1;
            }
        });

        try (NetnsHttpLoad load = NetnsHttpLoad.start(fleet.host(INGRESS_HOST), url, Duration.ofMillis(20), 20_000)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.answered() >= 5);
            drain(drainedHost);

            // make before break: the first time the original target is seen other than healthy (draining, or gone), its
            // replacement is a healthy target already
            List<TargetHealthDescription> atDeregistration = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> targets(targetGroup),
                    targets -> targets.stream().noneMatch(target -> target.target().id().equals(originalAddress) && target.targetHealth().stateAsString().equals("healthy")));
            assertThat(atDeregistration).as("targets when the drained host's task left the target group")
                    .anyMatch(target -> !target.target().id().equals(originalAddress) && target.targetHealth().stateAsString().equals("healthy"));
            assertThat(BerthEnvironment.describe(ecs, CLUSTER, original.taskArn()).desiredStatus())
                    .as("the drained host's task while it drains for the deregistration delay").isEqualTo("RUNNING");

            Task stopped = BerthEnvironment.awaitStatus(ecs, CLUSTER, original.taskArn(), "STOPPED", TIMEOUT);
            assertThat(stopped.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
            Service after = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("web"),
                    service -> service.runningCount() == 1 && service.pendingCount() == 0 && targets(targetGroup).size() == 1);
            Task replacement = running(after.deployments().getFirst().id()).getFirst();
            assertThat(hostOf(replacement.taskArn())).isNotEqualTo(drainedHost);
            assertThat(targets(targetGroup)).singleElement().satisfies(target -> {
                assertThat(target.target().id()).isEqualTo(address(replacement));
                assertThat(target.targetHealth().stateAsString()).isEqualTo("healthy");
            });
            Thread.sleep(1000);
            load.close();
            assertThat(load.failures()).as("failed requests out of %d during the drain", load.answered()).isEmpty();
            assertThat(load.answered()).isGreaterThan(20);
        }
    }

    @Test
    @Order(3)
    void aLostHostsServiceTasksComeBackOnTheRemainingHost()
            throws Exception
    {
        createSleepingService("survivor", 2);
        Service stable = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("survivor"), service -> service.runningCount() == 2
                && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED);
        String deploymentId = stable.deployments().getFirst().id();
        List<Task> before = running(deploymentId);
        String lostHost = hostOf(before.getFirst().taskArn());
        int lostIndex = fleet.indexOfHost(lostHost);
        List<String> lostTasks = before.stream().map(Task::taskArn).filter(arn -> hostOf(arn).equals(lostHost)).toList();

        Instant killed = Instant.now();
        fleet.killAgent(lostIndex);
        try {
            for (String taskArn : lostTasks) {
                Task stopped = BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TestFleet.HOST_LOST_AFTER.plus(TIMEOUT));
                assertThat(stopped.stoppedReason()).startsWith("Host " + lostHost + " was lost: no heartbeat since ");
                // lost host-lost-after past its last heartbeat, which came a moment before the kill
                assertThat(stopped.stoppedAt()).isAfter(killed.plus(TestFleet.HOST_LOST_AFTER).minusSeconds(3));
            }
            Service steadyAgain = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("survivor"),
                    service -> service.runningCount() == 2 && service.pendingCount() == 0 && service.deployments().size() == 1
                            && service.events().stream().anyMatch(event -> event.message().endsWith("has reached a steady state.") && event.createdAt().isAfter(killed)));
            List<Task> after = running(deploymentId);
            assertThat(after).hasSize(2).allSatisfy(task -> {
                assertThat(task.lastStatus()).isEqualTo("RUNNING");
                assertThat(hostOf(task.taskArn())).isNotEqualTo(lostHost);
            });
            assertThat(after).extracting(Task::taskArn).doesNotContainAnyElementsOf(lostTasks);
            // the replacements were started by the service, and the loss of a host is no failure of the deployment
            assertThat(steadyAgain.events()).extracting(ServiceEvent::message)
                    .anyMatch(message -> message.contains("has started " + lostTasks.size() + " tasks"))
                    .noneMatch(message -> message.contains("is unable to consistently start tasks"));
            assertThat(steadyAgain.deployments().getFirst().failedTasks()).isZero();
        }
        finally {
            fleet.restartAgent(lostIndex);
        }
        // back, the agent removes the containers of the tasks it was told no longer run
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> admin("GET", "/berth/hosts/" + lostHost).path("state").asText(), "ACTIVE"::equals);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> fleet.containerIds(lostIndex).isEmpty());
        assertThat(describe("survivor").runningCount()).isEqualTo(2);
    }

    /** A service of count tasks on the worker hosts that sleep; the shell ends at SIGTERM, so a stop takes no stopTimeout. */
    private void createSleepingService(String name, int count)
    {
        ContainerDefinition main = ContainerDefinition.builder().name("main").image(fleet.image())
                .command("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build();
        String definition = ecs.registerTaskDefinition(request -> request.family(name).requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").containerDefinitions(main))
                .taskDefinition().taskDefinitionArn();
        ecs.createService(request -> request.cluster(CLUSTER).serviceName(name).taskDefinition(definition).desiredCount(count)
                .networkConfiguration(BerthEnvironment.awsvpc()).placementConstraints(ON_WORKERS));
    }

    private void drain(String hostId)
            throws Exception
    {
        BerthProcess.Result drain = BerthProcess.run(Optional.empty(), List.of("host", "drain", hostId, "--deadline", "80s"), fleet.operatorEnvironment());
        assertThat(drain.exitCode()).as("berth host drain: %s", drain.stderr()).isZero();
    }

    private void deleteService(String service)
    {
        ecs.deleteService(request -> request.cluster(CLUSTER).service(service).force(true));
        waiter().waitUntilServicesInactive(request -> request.cluster(CLUSTER).services(service));
    }

    private Service describe(String service)
    {
        return ecs.describeServices(request -> request.cluster(CLUSTER).services(service)).services().getFirst();
    }

    private List<TargetHealthDescription> targets(String targetGroup)
    {
        return elb.describeTargetHealth(request -> request.targetGroupArn(targetGroup)).targetHealthDescriptions();
    }

    private static String address(Task task)
    {
        return task.containers().getFirst().networkInterfaces().getFirst().privateIpv4Address();
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
