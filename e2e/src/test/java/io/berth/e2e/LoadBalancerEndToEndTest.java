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
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DuplicateLoadBalancerNameException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ElasticLoadBalancingV2Exception;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Matcher;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ResourceInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ELBv2 API and its HAProxy data plane on a real all-in-one Berth, through the AWS SDK for Java v2: busybox httpd
 * tasks registered as ip targets; requests through the load balancer reach every healthy target and never one that
 * fails its health check; a path rule routes to a second target group; a deregistered target drains and goes; ELB's
 * error shapes; two accounts apart; STS GetCallerIdentity as each account; HAProxy killed is started again. Requests
 * go only to this test's load balancer addresses (a /24 of 127.77.0.0/16 of its own) in bounded loops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerEndToEndTest
{
    private static final String CLUSTER = "elb";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int WEB_PORT = 8080;
    private static final int LISTENER_PORT = 8000;

    private Path scratch;
    private BerthEnvironment environment;
    private AccountKeys a;
    private AccountKeys b;
    private EcsClient ecsA;
    private ElasticLoadBalancingV2Client elbA;
    private ElasticLoadBalancingV2Client elbB;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> addressOf = new HashMap<>();
    private final List<String> taskArns = new ArrayList<>();
    private LoadBalancer loadBalancer;
    private String webGroup;
    private String apiGroup;
    private String listener;

    @BeforeAll
    void start()
            throws Exception
    {
        scratch = BerthEnvironment.scratchDirectory("berth-elb-e2e");
        // a range of this test's own, so that a Berth of another test running at once never binds the same address
        Ipv4Cidr range = Ipv4Cidr.parse("127.77." + ThreadLocalRandom.current().nextInt(1, 255) + ".0/24");
        environment = BerthEnvironment.start(scratch.resolve("data"), config -> config.withIngressAddresses(range));
        a = AccountKeys.create(environment, "elb-a");
        b = AccountKeys.create(environment, "elb-b");
        ecsA = environment.client(a.accessKeyId(), a.secretAccessKey());
        elbA = elb(a);
        elbB = elb(b);
        ecsA.createCluster(request -> request.clusterName(CLUSTER));
        // one, two and api answer /health; sick does not (404), so it fails the target group's health check
        for (String name : List.of("one", "two", "sick", "api")) {
            String health = name.equals("sick") ? "" : "echo ok > /tmp/www/health; ";
            String definition = ecsA.registerTaskDefinition(request -> request.family("web-" + name).requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").networkMode("awsvpc")
                            .containerDefinitions(ContainerDefinition.builder().name("web").image(environment.image())
                                    .command("sh", "-c", "mkdir -p /tmp/www/api; echo " + name + " > /tmp/www/index.html; echo api-" + name + " > /tmp/www/api/index.html; "
                                            + health + "httpd -p " + WEB_PORT + " -h /tmp/www; trap 'exit 0' TERM; sleep 600 & wait")
                                    .stopTimeout(2).build()))
                    .taskDefinition().taskDefinitionArn();
            Task task = ecsA.runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).networkConfiguration(BerthEnvironment.awsvpc())).tasks().getFirst();
            taskArns.add(task.taskArn());
            Task running = awaitStatus(ecsA, CLUSTER, task.taskArn(), "RUNNING", TIMEOUT);
            addressOf.put(name, running.containers().getFirst().networkInterfaces().getFirst().privateIpv4Address());
        }
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try {
            if (elbA != null) {
                for (LoadBalancer each : elbA.describeLoadBalancers().loadBalancers()) {
                    elbA.deleteLoadBalancer(request -> request.loadBalancerArn(each.loadBalancerArn()));
                }
                for (TargetGroup group : elbA.describeTargetGroups().targetGroups()) {
                    elbA.deleteTargetGroup(request -> request.targetGroupArn(group.targetGroupArn()));
                }
            }
            if (elbB != null) {
                for (LoadBalancer each : elbB.describeLoadBalancers().loadBalancers()) {
                    elbB.deleteLoadBalancer(request -> request.loadBalancerArn(each.loadBalancerArn()));
                }
            }
        }
        finally {
            if (environment != null) {
                environment.close();
            }
            // HAProxy went with the agent: no process runs this test's configuration any more
            Path config = scratch.resolve("data").resolve("agent").resolve("ingress").resolve("haproxy.cfg");
            assertThat(ProcessHandle.allProcesses()
                    .filter(process -> process.info().commandLine().map(line -> line.contains(config.toString())).orElse(false))
                    .toList()).isEmpty();
            io.berth.common.files.FileTrees.deleteRecursively(scratch);
        }
    }

    @Test
    @Order(1)
    void stsTellsEachAccountWhoItIs()
    {
        for (AccountKeys keys : List.of(a, b)) {
            try (StsClient sts = StsClient.builder()
                    .endpointOverride(environment.berth().endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .build()) {
                GetCallerIdentityResponse identity = sts.getCallerIdentity();
                assertThat(identity.account()).isEqualTo(keys.accountId());
                assertThat(identity.arn()).isEqualTo("arn:aws:iam::" + keys.accountId() + ":root");
                assertThat(identity.userId()).isEqualTo(keys.accountId());
            }
        }
    }

    @Test
    @Order(2)
    void requestsReachEveryHealthyTargetAndNeverOneThatFailsItsHealthCheck()
            throws Exception
    {
        loadBalancer = elbA.createLoadBalancer(request -> request.name("web").type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().getFirst();
        assertThat(loadBalancer.loadBalancerArn()).matches("arn:aws:elasticloadbalancing:us-east-1:" + a.accountId() + ":loadbalancer/app/web/[0-9a-f]{16}");
        assertThat(loadBalancer.state().codeAsString()).isEqualTo("active");
        webGroup = createTargetGroup("web");
        assertThat(webGroup).matches("arn:aws:elasticloadbalancing:us-east-1:" + a.accountId() + ":targetgroup/web/[0-9a-f]{16}");
        elbA.registerTargets(request -> request.targetGroupArn(webGroup).targets(target("one"), target("two"), target("sick")));
        listener = elbA.createListener(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(LISTENER_PORT)
                .defaultActions(forward(webGroup))).listeners().getFirst().listenerArn();
        assertThat(listener).startsWith("arn:aws:elasticloadbalancing:us-east-1:" + a.accountId() + ":listener/app/web/");

        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, TargetHealthDescription> health = health(webGroup);
            assertThat(health.get(addressOf.get("one")).targetHealth().stateAsString()).isEqualTo("healthy");
            assertThat(health.get(addressOf.get("two")).targetHealth().stateAsString()).isEqualTo("healthy");
            assertThat(health.get(addressOf.get("sick")).targetHealth().stateAsString()).isEqualTo("unhealthy");
        });
        assertThat(health(webGroup).get(addressOf.get("sick")).targetHealth().reasonAsString()).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(health(webGroup).get(addressOf.get("sick")).targetHealth().description()).contains("404");

        List<String> answers = requests("/", 30);
        assertThat(answers).contains("one", "two").doesNotContain("sick");
        assertThat(answers).allMatch(answer -> answer.equals("one") || answer.equals("two"));
    }

    @Test
    @Order(3)
    void aPathRuleRoutesToASecondTargetGroupThatCannotBeDeletedWhileInUse()
            throws Exception
    {
        apiGroup = createTargetGroup("api");
        elbA.registerTargets(request -> request.targetGroupArn(apiGroup).targets(target("api")));
        Rule rule = elbA.createRule(request -> request.listenerArn(listener).priority(10)
                .conditions(RuleCondition.builder().field("path-pattern").values("/api/*").build())
                .actions(forward(apiGroup))).rules().getFirst();
        assertThat(rule.priority()).isEqualTo("10");
        List<Rule> rules = elbA.describeRules(request -> request.listenerArn(listener)).rules();
        assertThat(rules).extracting(Rule::priority).containsExactly("10", "default");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(health(apiGroup).get(addressOf.get("api")).targetHealth().stateAsString()).isEqualTo("healthy"));

        assertThat(requests("/api/index.html", 6)).containsOnly("api-api");
        assertThat(requests("/", 6)).allMatch(answer -> answer.equals("one") || answer.equals("two"));
        assertThat(elbA.describeTargetGroups(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn())).targetGroups())
                .extracting(TargetGroup::targetGroupName).containsExactlyInAnyOrder("web", "api");

        assertThatThrownBy(() -> elbA.deleteTargetGroup(request -> request.targetGroupArn(apiGroup)))
                .isInstanceOf(ResourceInUseException.class);
        elbA.deleteRule(request -> request.ruleArn(rule.ruleArn()));
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> requests("/api/index.html", 1).getFirst().matches("api-(one|two)"));
        elbA.deleteTargetGroup(request -> request.targetGroupArn(apiGroup));
    }

    @Test
    @Order(4)
    void aDeregisteredTargetDrainsThenLeaves()
            throws Exception
    {
        elbA.modifyTargetGroupAttributes(request -> request.targetGroupArn(webGroup)
                .attributes(attribute -> attribute.key("deregistration_delay.timeout_seconds").value("5")));
        assertThat(elbA.describeTargetGroupAttributes(request -> request.targetGroupArn(webGroup)).attributes())
                .anyMatch(attribute -> attribute.key().equals("deregistration_delay.timeout_seconds") && attribute.value().equals("5"));
        elbA.deregisterTargets(request -> request.targetGroupArn(webGroup).targets(target("two")));
        TargetHealthDescription draining = health(webGroup).get(addressOf.get("two"));
        assertThat(draining.targetHealth().stateAsString()).isEqualTo("draining");
        assertThat(draining.targetHealth().reasonAsString()).isEqualTo("Target.DeregistrationInProgress");
        // no new requests for a draining target, once the ingress host has the plan
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> requests("/", 6).stream().allMatch("one"::equals));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> !health(webGroup).containsKey(addressOf.get("two")));
        assertThat(requests("/", 6)).containsOnly("one");
    }

    @Test
    @Order(5)
    void elbErrorsHaveTheirShapes()
    {
        String missingGroup = webGroup.substring(0, webGroup.lastIndexOf('/') + 1) + "0123456789abcdef";
        assertThatThrownBy(() -> elbA.describeTargetGroups(request -> request.targetGroupArns(missingGroup)))
                .isInstanceOf(TargetGroupNotFoundException.class);
        assertThatThrownBy(() -> elbA.createLoadBalancer(request -> request.name("web").type(LoadBalancerTypeEnum.APPLICATION)))
                .isInstanceOf(DuplicateLoadBalancerNameException.class);
        assertThatThrownBy(() -> elbA.describeLoadBalancers(request -> request.names("nothing-here")))
                .isInstanceOf(LoadBalancerNotFoundException.class);
        // Berth's load balancers are in one subnet of its task network, which Terraform's aws_lb names as its subnets
        assertThatThrownBy(() -> elbA.createLoadBalancer(request -> request.name("subnets").subnets("subnet-berth", "subnet-1234")))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Subnets 'subnet-1234'").contains("subnet-berth");
                });
        LoadBalancer inBerthsSubnet = elbA.createLoadBalancer(request -> request.name("in-subnet").subnets("subnet-berth")).loadBalancers().getFirst();
        assertThat(inBerthsSubnet.availabilityZones()).singleElement().satisfies(zone -> {
            assertThat(zone.subnetId()).isEqualTo("subnet-berth");
            assertThat(zone.zoneName()).isEqualTo("us-east-1a");
        });
        assertThat(elbA.describeLoadBalancers(request -> request.names("in-subnet")).loadBalancers().getFirst().availabilityZones())
                .extracting(software.amazon.awssdk.services.elasticloadbalancingv2.model.AvailabilityZone::subnetId).containsExactly("subnet-berth");
        elbA.deleteLoadBalancer(request -> request.loadBalancerArn(inBerthsSubnet.loadBalancerArn()));
        assertThatThrownBy(() -> elbA.createTargetGroup(request -> request.name("instances").protocol(ProtocolEnum.HTTP).port(80).targetType(TargetTypeEnum.INSTANCE)))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
        // Berth has one VPC, its task network: another VpcId is refused by name, and every group and balancer reports Berth's
        assertThatThrownBy(() -> elbA.createTargetGroup(request -> request.name("elsewhere").protocol(ProtocolEnum.HTTP).port(80)
                        .targetType(TargetTypeEnum.IP).vpcId("vpc-0123456789abcdef0")))
                .isInstanceOfSatisfying(ElasticLoadBalancingV2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    assertThat(e.getMessage()).contains("VpcId 'vpc-0123456789abcdef0'").contains("vpc-berth");
                });
        assertThat(elbA.describeTargetGroups(request -> request.targetGroupArns(webGroup)).targetGroups().getFirst().vpcId()).isEqualTo("vpc-berth");
        assertThat(elbA.describeLoadBalancers().loadBalancers()).extracting(LoadBalancer::vpcId).containsOnly("vpc-berth");
        // nothing refused was half made
        assertThat(elbA.describeLoadBalancers().loadBalancers()).extracting(LoadBalancer::loadBalancerName).containsExactly("web");
        assertThat(elbA.describeTargetGroups().targetGroups()).extracting(TargetGroup::targetGroupName).containsExactly("web");
    }

    @Test
    @Order(6)
    void accountsAreApart()
            throws Exception
    {
        assertThatThrownBy(() -> elbB.describeLoadBalancers(request -> request.loadBalancerArns(loadBalancer.loadBalancerArn())))
                .isInstanceOf(LoadBalancerNotFoundException.class);
        assertThatThrownBy(() -> elbB.registerTargets(request -> request.targetGroupArn(webGroup).targets(target("one"))))
                .isInstanceOf(TargetGroupNotFoundException.class);
        assertThatThrownBy(() -> elbB.deleteLoadBalancer(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn())))
                .isInstanceOf(LoadBalancerNotFoundException.class);
        assertThat(elbB.describeLoadBalancers().loadBalancers()).isEmpty();
        assertThat(elbB.describeTargetGroups().targetGroups()).isEmpty();
        // the same name in another account is another load balancer, on an address of its own; the same port does not collide
        LoadBalancer other = elbB.createLoadBalancer(request -> request.name("web").type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().getFirst();
        assertThat(other.dnsName()).isNotEqualTo(loadBalancer.dnsName());
        String emptyGroup = elbB.createTargetGroup(request -> request.name("web").protocol(ProtocolEnum.HTTP).port(WEB_PORT).targetType(TargetTypeEnum.IP))
                .targetGroups().getFirst().targetGroupArn();
        elbB.createListener(request -> request.loadBalancerArn(other.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(LISTENER_PORT).defaultActions(forward(emptyGroup)));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> status(other.dnsName(), "/") == 503);
        assertThat(requests("/", 4)).containsOnly("one");
        elbB.deleteLoadBalancer(request -> request.loadBalancerArn(other.loadBalancerArn()));
        elbB.deleteTargetGroup(request -> request.targetGroupArn(emptyGroup));
    }

    @Test
    @Order(7)
    void haproxyKilledIsStartedAgain()
            throws Exception
    {
        Path pidFile = scratch.resolve("data").resolve("agent").resolve("ingress").resolve("haproxy.pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> workers = master.descendants().toList();
        master.destroyForcibly();
        workers.forEach(ProcessHandle::destroyForcibly);
        master.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        // until the new master's worker listens, connections are refused
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            Optional<Long> now = readPid(pidFile);
            return now.isPresent() && now.get() != pid && requests("/", 1).equals(List.of("one"));
        });
    }

    private static Optional<Long> readPid(Path pidFile)
    {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).strip()));
        }
        catch (Exception e) {
            return Optional.empty();
        }
    }

    /** As Terraform's aws_lb_target_group makes one: with the vpc_id of Berth's one VPC, its task network. */
    private String createTargetGroup(String name)
    {
        return elbA.createTargetGroup(request -> request.name(name).protocol(ProtocolEnum.HTTP).port(WEB_PORT).targetType(TargetTypeEnum.IP).vpcId("vpc-berth")
                        .healthCheckPath("/health").healthCheckIntervalSeconds(5).healthCheckTimeoutSeconds(2)
                        .healthyThresholdCount(2).unhealthyThresholdCount(2).matcher(Matcher.builder().httpCode("200").build()))
                .targetGroups().getFirst().targetGroupArn();
    }

    private TargetDescription target(String name)
    {
        return TargetDescription.builder().id(addressOf.get(name)).port(WEB_PORT).build();
    }

    private static Action forward(String targetGroupArn)
    {
        return Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroupArn).build();
    }

    private Map<String, TargetHealthDescription> health(String targetGroupArn)
    {
        Map<String, TargetHealthDescription> byAddress = new HashMap<>();
        elbA.describeTargetHealth(request -> request.targetGroupArn(targetGroupArn)).targetHealthDescriptions()
                .forEach(description -> byAddress.put(description.target().id(), description));
        return byAddress;
    }

    /** count GETs of path through the load balancer (a bounded loop); the bodies, trimmed. */
    private List<String> requests(String path, int count)
            throws Exception
    {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + loadBalancer.dnsName() + ":" + LISTENER_PORT + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            bodies.add(response.statusCode() == 200 ? response.body().strip() : "HTTP " + response.statusCode());
        }
        return bodies;
    }

    private int status(String address, String path)
    {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + LISTENER_PORT + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (Exception e) {
            return -1;
        }
    }

    private ElasticLoadBalancingV2Client elb(AccountKeys keys)
    {
        return ElasticLoadBalancingV2Client.builder()
                .endpointOverride(environment.berth().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
