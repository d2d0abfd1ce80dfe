package io.berth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.testing.BerthProcess;
import io.berth.testing.LocalFleet;
import io.berth.testing.NetnsHttpLoad;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Failed requests while `berth host drain` moves a load-balanced service's tasks off a host, on a real fleet: `berth
 * server` and three agents in their own network namespaces, agent 0 the ingress host (`berth agent --ingress`, its
 * HAProxy serving the load balancer on its own address in that namespace), agents 1 and 2 running a service of four
 * busybox httpd tasks behind the load balancer. A GET every 20 ms from the ingress host's namespace (busybox wget, a
 * new connection each) for as long as the drain takes, until the service is steady on the other host; as the
 * baseline, the same load for the same time without a drain. Target: 0 failed requests during the drain.
 */
public final class ServiceDrainBenchmark
{
    private static final int WEB_PORT = 8080;
    private static final int LISTENER_PORT = 8000;
    private static final int TASKS = 4;
    private static final int INGRESS_HOST = 0;
    private static final Duration TIMEOUT = Duration.ofSeconds(600);
    private static final Duration INTERVAL = Duration.ofMillis(20);

    private ServiceDrainBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, ServiceDrainBenchmark::run);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        out.println("Berth service drain benchmark: failed requests through the load balancer while a host of the service is drained");
        FleetUnderTest fleetUnderTest = FleetUnderTest.start(cleanup, 16, (index, network) -> index == INGRESS_HOST
                ? List.of("--ingress", "--attribute", "role=ingress")
                : List.of("--attribute", "role=worker"));
        LocalFleet fleet = fleetUnderTest.fleet();
        BenchmarkCluster cluster = fleetUnderTest.cluster();
        EcsClient ecs = cluster.ecs();
        Map<String, String> operator = fleet.operatorEnvironment();
        ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder()
                .endpointOverride(fleet.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        cleanup.push("ELB client", elb::close);

        String definition = ecs.registerTaskDefinition(request -> request.family("drain-web").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").networkMode("awsvpc")
                        .containerDefinitions(ContainerDefinition.builder().name("web").image(fleet.image())
                                .command("sh", "-c", "mkdir -p /tmp/www; echo web > /tmp/www/index.html; httpd -p " + WEB_PORT
                                        + " -h /tmp/www; trap 'exit 0' TERM; sleep 3600 & wait")
                                .portMappings(PortMapping.builder().containerPort(WEB_PORT).build())
                                .stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
        LoadBalancer loadBalancer = elb.createLoadBalancer(request -> request.name("drain").type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().getFirst();
        cleanup.push("load balancer", () -> elb.deleteLoadBalancer(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn())));
        String targetGroup = elb.createTargetGroup(request -> request.name("drain").protocol(ProtocolEnum.HTTP).port(WEB_PORT).targetType(TargetTypeEnum.IP)
                        .healthCheckPath("/").healthCheckIntervalSeconds(5).healthCheckTimeoutSeconds(2).healthyThresholdCount(2))
                .targetGroups().getFirst().targetGroupArn();
        elb.modifyTargetGroupAttributes(request -> request.targetGroupArn(targetGroup)
                .attributes(TargetGroupAttribute.builder().key("deregistration_delay.timeout_seconds").value("3").build()));
        elb.createListener(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(LISTENER_PORT)
                .defaultActions(Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroup).build()));
        ecs.createService(request -> request.cluster(cluster.cluster()).serviceName("drain").taskDefinition(definition).desiredCount(TASKS)
                .networkConfiguration(BenchmarkCluster.AWSVPC)
                .placementConstraints(PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:role == worker").build())
                .loadBalancers(entry -> entry.targetGroupArn(targetGroup).containerName("web").containerPort(WEB_PORT)));
        cleanup.push("service", () -> ecs.deleteService(request -> request.cluster(cluster.cluster()).service("drain").force(true)));
        out.println("waiting for the service's " + TASKS + " tasks to be healthy targets ...");
        await(() -> steady(ecs, cluster.cluster()));

        URI url = URI.create("http://" + loadBalancer.dnsName() + ":" + LISTENER_PORT + "/");
        String drained = busiestHost(ecs, cluster);
        out.println("draining " + fleetUnderTest.describeHost(drained) + " under a GET every " + INTERVAL.toMillis() + " ms from the ingress host ...");
        NetnsHttpLoad drainLoad = NetnsHttpLoad.start(fleet.host(INGRESS_HOST), url, INTERVAL, 100_000);
        long start = System.nanoTime();
        Duration drainTook;
        try {
            BerthProcess.Result drain = BerthProcess.run(Optional.empty(), List.of("host", "drain", drained, "--deadline", "300s"), operator);
            if (drain.exitCode() != 0) {
                throw new IOException("berth host drain failed: " + drain.stderr());
            }
            await(() -> hostState(cluster.admin(), drained).equals("CORDONED") && steady(ecs, cluster.cluster()));
            drainTook = Duration.ofNanos(System.nanoTime() - start);
            Thread.sleep(1000);
        }
        finally {
            drainLoad.close();
        }
        cluster.admin().admin("POST", "/berth/hosts/" + drained + "/uncordon", Map.of(), io.berth.common.json.Json.mapper().createObjectNode());

        out.println("baseline: the same load for as long, without a drain ...");
        NetnsHttpLoad baseline = NetnsHttpLoad.start(fleet.host(INGRESS_HOST), url, INTERVAL, 100_000);
        try {
            Thread.sleep(drainTook.toMillis() + 1000);
        }
        finally {
            baseline.close();
        }

        out.println();
        out.println(String.format(Locale.ROOT, "%-44s %10s %10s %10s", "load (GET every " + INTERVAL.toMillis() + " ms, ingress namespace)", "requests", "failed", "took s"));
        out.println(String.format(Locale.ROOT, "%-44s %10d %10d %10.1f", "baseline: no drain", baseline.answered() + baseline.failures().size(),
                baseline.failures().size(), drainTook.toMillis() / 1000.0 + 1));
        out.println(String.format(Locale.ROOT, "%-44s %10d %10d %10.1f", "drain of a host with " + TASKS / 2 + " of " + TASKS + " tasks",
                drainLoad.answered() + drainLoad.failures().size(), drainLoad.failures().size(), drainTook.toMillis() / 1000.0 + 1));
        drainLoad.failures().stream().limit(5).forEach(failure -> out.println("  failed: " + failure));
        out.println(String.format(Locale.ROOT, "drain: berth host drain until the host is CORDONED and the service steady: %.1f s", drainTook.toMillis() / 1000.0));
        out.println();
        out.println(String.format(Locale.ROOT, "target: 0 failed requests during the drain: %d -> %s", drainLoad.failures().size(),
                drainLoad.failures().isEmpty() ? "MET" : "NOT MET"));
        out.println("cleaning up ...");
    }

    /** The host running most of the service's tasks. */
    private static String busiestHost(EcsClient ecs, BenchmarkCluster cluster)
            throws IOException
    {
        Map<String, Integer> tasksByHost = new HashMap<>();
        for (String arn : ecs.listTasks(request -> request.cluster(cluster.cluster()).serviceName("drain")).taskArns()) {
            JsonNode placement = cluster.admin().admin("GET", "/berth/tasks/" + arn.substring(arn.lastIndexOf('/') + 1) + "/placement", Map.of(), null);
            tasksByHost.merge(placement.path("hostId").asText(), 1, Integer::sum);
        }
        return tasksByHost.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new IOException("the service has no placed task"));
    }

    private static String hostState(BerthClient admin, String hostId)
    {
        return admin.admin("GET", "/berth/hosts/" + hostId, Map.of(), null).path("state").asText();
    }

    private static boolean steady(EcsClient ecs, String cluster)
    {
        Service service = ecs.describeServices(request -> request.cluster(cluster).services("drain")).services().getFirst();
        return service.deployments().size() == 1 && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED
                && service.runningCount() == TASKS && service.pendingCount() == 0;
    }

    private static void await(BooleanSupplier condition)
            throws InterruptedException, IOException
    {
        LoadBalancerBenchmark.await(condition, TIMEOUT);
    }
}
