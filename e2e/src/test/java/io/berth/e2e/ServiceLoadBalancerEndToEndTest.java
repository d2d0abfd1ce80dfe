package io.berth.e2e;

import io.berth.common.network.Ipv4Cidr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Matcher;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An ECS service behind a Berth load balancer (real HAProxy, busybox httpd tasks serving a page that names their task
 * definition revision), through the AWS SDK for Java v2: its tasks are registered as targets and the service is steady
 * only once they are healthy in the target group; under a steady request load (a request every 20 ms, bounded) a
 * rolling deployment to revision 2 and a scale-in fail no request, since each old task is deregistered, drained for
 * the target group's deregistration delay (counted in runningCount meanwhile, as ECS counts it) and only then
 * stopped; a revision that fails the target group's health check is replaced (grace period 0) and never takes a
 * request; ECS's refusals of bad loadBalancers entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceLoadBalancerEndToEndTest
{
    private static final String CLUSTER = "svclb";
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final int WEB_PORT = 8080;
    private static final int LISTENER_PORT = 8000;
    private static final int DEREGISTRATION_DELAY_SECONDS = 3;

    private Path scratch;
    private BerthEnvironment environment;
    private EcsClient ecs;
    private ElasticLoadBalancingV2Client elb;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LoadBalancer loadBalancer;
    private String targetGroup;
    private String revision1;
    private String revision2;

    @BeforeAll
    void start()
            throws Exception
    {
        scratch = BerthEnvironment.scratchDirectory("berth-svclb-e2e");
        Ipv4Cidr range = Ipv4Cidr.parse("127.78." + ThreadLocalRandom.current().nextInt(1, 255) + ".0/24");
        environment = BerthEnvironment.start(scratch.resolve("data"), config -> config.withIngressAddresses(range));
        AccountKeys keys = AccountKeys.create(environment, "svclb");
        ecs = environment.client(keys.accessKeyId(), keys.secretAccessKey());
        elb = ElasticLoadBalancingV2Client.builder()
                .endpointOverride(environment.berth().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        ecs.createCluster(request -> request.clusterName(CLUSTER));
        revision1 = register("rev-1", true);
        revision2 = register("rev-2", true);
        loadBalancer = elb.createLoadBalancer(request -> request.name("svc").type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().getFirst();
        targetGroup = elb.createTargetGroup(request -> request.name("svc").protocol(ProtocolEnum.HTTP).port(WEB_PORT).targetType(TargetTypeEnum.IP)
                        .healthCheckPath("/health").healthCheckIntervalSeconds(5).healthCheckTimeoutSeconds(2)
                        .healthyThresholdCount(2).unhealthyThresholdCount(2).matcher(Matcher.builder().httpCode("200").build()))
                .targetGroups().getFirst().targetGroupArn();
        elb.modifyTargetGroupAttributes(request -> request.targetGroupArn(targetGroup)
                .attributes(TargetGroupAttribute.builder().key("deregistration_delay.timeout_seconds").value(Integer.toString(DEREGISTRATION_DELAY_SECONDS)).build()));
        elb.createListener(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(LISTENER_PORT)
                .defaultActions(Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroup).build()));
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try {
            if (ecs != null) {
                for (String arn : ecs.listServices(request -> request.cluster(CLUSTER)).serviceArns()) {
                    ecs.deleteService(request -> request.cluster(CLUSTER).service(arn).force(true));
                }
            }
            if (elb != null) {
                deleteEveryLoadBalancerAndTargetGroup(elb);
                elb.close();
            }
        }
        finally {
            if (environment != null) {
                environment.close();
            }
            io.berth.common.files.FileTrees.deleteRecursively(scratch);
        }
    }

    @Test
    @Order(1)
    void badLoadBalancersAreRefusedWithEcsMessages()
    {
        String noSuchGroup = targetGroup.replaceAll("/[0-9a-f]{16}$", "/0000000000000000");
        assertThatThrownBy(() -> ecs.createService(create("bad", revision1, 1, noSuchGroup, "web", WEB_PORT)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("The target group with targetGroupArn " + noSuchGroup + " does not exist.");
        assertThatThrownBy(() -> ecs.createService(create("bad", revision1, 1, targetGroup, "nginx", WEB_PORT)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("The container nginx does not exist in the task definition.");
        assertThatThrownBy(() -> ecs.createService(create("bad", revision1, 1, targetGroup, "web", 9090)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("The container web did not have a container port 9090 defined.");
        assertThatThrownBy(() -> ecs.createService(CreateServiceRequest.builder().cluster(CLUSTER).serviceName("bad").taskDefinition(revision1).desiredCount(1)
                        .launchType(LaunchType.FARGATE).networkConfiguration(BerthEnvironment.awsvpc()).healthCheckGracePeriodSeconds(10).build()))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Health check grace period is only valid for services configured to use load balancers");
        // nothing half-created
        assertThat(ecs.listServices(request -> request.cluster(CLUSTER)).serviceArns()).isEmpty();
    }

    @Test
    @Order(2)
    void rollingDeploymentAndScaleInFailNoRequest()
            throws Exception
    {
        Service created = ecs.createService(create("web", revision1, 2, targetGroup, "web", WEB_PORT).toBuilder().healthCheckGracePeriodSeconds(30).build())
                .service();
        assertThat(created.loadBalancers()).singleElement().satisfies(entry -> {
            assertThat(entry.targetGroupArn()).isEqualTo(targetGroup);
            assertThat(entry.containerName()).isEqualTo("web");
            assertThat(entry.containerPort()).isEqualTo(WEB_PORT);
        });
        assertThat(created.healthCheckGracePeriodSeconds()).isEqualTo(30);
        Service steady = awaitCompleted(revision1, 2);
        // steady only once both tasks are healthy targets
        assertThat(healthyTargets()).hasSize(2);
        assertThat(steady.loadBalancers()).hasSize(1);
        assertThat(requests(10)).containsOnly("rev-1");

        try (Load load = new Load()) {
            ecs.updateService(request -> request.cluster(CLUSTER).service("web").taskDefinition(revision2));
            awaitCompleted(revision2, 2);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> healthyTargets().size() == 2 && allTargets().size() == 2);
            Thread.sleep(1000);
            load.assertNoFailure();
            assertThat(load.answers()).containsKeys("rev-1", "rev-2");
            assertThat(requests(10)).containsOnly("rev-2");
        }

        try (Load load = new Load()) {
            ecs.updateService(request -> request.cluster(CLUSTER).service("web").desiredCount(1));
            // the task scaled in waits out the deregistration delay still RUNNING, and ECS counts it so until it stops
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> allTargets().stream().anyMatch(this::draining));
            Thread.sleep(1500);
            Service duringDelay = describe("web");
            assertThat(allTargets().stream().anyMatch(this::draining)).as("still within the %d s deregistration delay", DEREGISTRATION_DELAY_SECONDS).isTrue();
            assertThat(duringDelay.runningCount()).isEqualTo(2);
            assertThat(duringDelay.deployments().getFirst().runningCount()).isEqualTo(2);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> describe("web"), service -> service.runningCount() == 1 && service.pendingCount() == 0 && allTargets().size() == 1
                            && ecs.listTasks(request -> request.cluster(CLUSTER).serviceName("web")).taskArns().size() == 1);
            Thread.sleep(1000);
            load.assertNoFailure();
            assertThat(load.answers()).containsOnlyKeys("rev-2");
        }
        assertThat(describe("web").events().stream().filter(event -> event.message().contains("has stopped")).count())
                .as("one 'has stopped' event per stop decision, not one per pass while the task drains")
                .isLessThanOrEqualTo(3);
    }

    @Test
    @Order(3)
    void aTaskFailingItsTargetGroupsHealthCheckIsReplacedWhileTheOldOneServes()
            throws Exception
    {
        String sick = register("sick", false);
        try (Load load = new Load()) {
            ecs.updateService(request -> request.cluster(CLUSTER).service("web").taskDefinition(sick).healthCheckGracePeriodSeconds(0));
            Service replaced = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> describe("web"),
                    service -> service.events().stream().anyMatch(event -> event.message().contains("is unhealthy in (target-group " + targetGroup + ")")));
            assertThat(replaced.healthCheckGracePeriodSeconds()).isZero();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> assertThat(ecs.describeTasks(request -> request.cluster(CLUSTER)
                            .tasks(ecs.listTasks(list -> list.cluster(CLUSTER).serviceName("web").desiredStatus("STOPPED")).taskArns())).tasks())
                    .anyMatch(task -> ("Task failed ELB health checks in (target-group " + targetGroup + ")").equals(task.stoppedReason())));
            // the sick revision never took a request: the old task kept serving all along
            load.assertNoFailure();
            assertThat(load.answers()).containsOnlyKeys("rev-2");
        }
    }

    /** Deletes the caller's load balancers (their listeners and rules go with them), then its target groups. */
    static void deleteEveryLoadBalancerAndTargetGroup(ElasticLoadBalancingV2Client elb)
    {
        for (LoadBalancer each : elb.describeLoadBalancers().loadBalancers()) {
            elb.deleteLoadBalancer(request -> request.loadBalancerArn(each.loadBalancerArn()));
        }
        for (TargetGroup group : elb.describeTargetGroups().targetGroups()) {
            elb.deleteTargetGroup(request -> request.targetGroupArn(group.targetGroupArn()));
        }
    }

    /** GETs to the load balancer every 20 ms on a virtual thread until closed (at most 10 minutes): answers by body, failures kept. */
    private final class Load
            implements AutoCloseable
    {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread thread;

        Load()
        {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
            thread = Thread.ofVirtual().start(() -> {
                while (running.get() && Instant.now().isBefore(deadline)) {
                    String answer = request();
                    if (answer.startsWith("rev-")) {
                        answers.computeIfAbsent(answer, ignored -> new AtomicInteger()).incrementAndGet();
                    }
                    else {
                        failures.add(Instant.now() + " " + answer);
                    }
                    try {
                        Thread.sleep(20);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        Map<String, Integer> answers()
        {
            return answers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().get()));
        }

        void assertNoFailure()
        {
            assertThat(failures).as("failed requests out of " + answers().values().stream().mapToInt(Integer::intValue).sum()).isEmpty();
        }

        @Override
        public void close()
                throws InterruptedException
        {
            running.set(false);
            thread.join(Duration.ofSeconds(10));
        }
    }

    private String request()
    {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + loadBalancer.dnsName() + ":" + LISTENER_PORT + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().strip() : "HTTP " + response.statusCode();
        }
        catch (Exception e) {
            return e.toString();
        }
    }

    private List<String> requests(int count)
    {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> request()).toList();
    }

    private Service awaitCompleted(String taskDefinition, int count)
    {
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("web"), service -> service.deployments().size() == 1
                && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED
                && service.taskDefinition().equals(taskDefinition) && service.runningCount() == count);
    }

    private Service describe(String name)
    {
        return ecs.describeServices(request -> request.cluster(CLUSTER).services(name)).services().getFirst();
    }

    private List<TargetHealthDescription> allTargets()
    {
        return elb.describeTargetHealth(request -> request.targetGroupArn(targetGroup)).targetHealthDescriptions();
    }

    private boolean draining(TargetHealthDescription target)
    {
        return target.targetHealth().stateAsString().equals("draining");
    }

    private List<TargetHealthDescription> healthyTargets()
    {
        return allTargets().stream().filter(target -> target.targetHealth().stateAsString().equals("healthy")).toList();
    }

    private CreateServiceRequest create(String name, String taskDefinition, int count, String group, String container, int port)
    {
        return CreateServiceRequest.builder().cluster(CLUSTER).serviceName(name).taskDefinition(taskDefinition).desiredCount(count).launchType(LaunchType.FARGATE)
                .networkConfiguration(BerthEnvironment.awsvpc()).loadBalancers(entry -> entry.targetGroupArn(group).containerName(container).containerPort(port)).build();
    }

    /** A task definition of busybox httpd on WEB_PORT whose page is the revision's name; /health answers 200 if healthy, else 404. */
    private String register(String page, boolean healthy)
    {
        Function<String, String> script = text -> "mkdir -p /tmp/www; echo " + text + " > /tmp/www/index.html; " + (healthy ? "echo ok > /tmp/www/health; " : "")
                + "httpd -p " + WEB_PORT + " -h /tmp/www; trap 'exit 0' TERM; sleep 600 & wait";
        return ecs.registerTaskDefinition(request -> request.family("web").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").networkMode("awsvpc")
                        .containerDefinitions(ContainerDefinition.builder().name("web").image(environment.image())
                                .command("sh", "-c", script.apply(page))
                                .portMappings(PortMapping.builder().containerPort(WEB_PORT).build())
                                .stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
    }
}
