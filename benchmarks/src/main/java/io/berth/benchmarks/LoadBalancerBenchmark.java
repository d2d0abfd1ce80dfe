package io.berth.benchmarks;

import io.berth.common.network.Ipv4Cidr;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Requests through a Berth load balancer (HAProxy on this machine) next to direct requests to one task, and the
 * failed requests while a service behind it rolls to a new revision: a service of two busybox httpd tasks behind an
 * application load balancer; rounds of sequential GETs, alternately direct to one task's address and through the load
 * balancer's DNSName, once on one keep-alive connection per path and once with a new connection per request (p50, p99,
 * requests per second of one client); then an UpdateService to
 * revision 2 under GETs every 20 ms until the deployment completes, counting failures. Then UpdateService to a stable
 * service of 20 tasks: a scale-out from 2 to 20, and a rolling deployment of the 20 to revision 3 under the same load,
 * each timed from UpdateService until the deployment is COMPLETED with 20 healthy targets, next to a RunTask of 20
 * standalone tasks to RUNNING (no target group) and the health check's own floor (healthy threshold x interval).
 * Targets: 0 failed requests; proxy overhead (p50 through the load balancer minus p50 direct, both with a new connection
 * per request) at most 1 ms. busybox httpd closes every connection, so on the keep-alive rows the direct path pays a
 * handshake per request while HAProxy keeps the client's connection open: only the new-connection rows compare like
 * with like (the client's handshake on both paths, HAProxy's own work on top on one).
 */
public final class LoadBalancerBenchmark
{
    static final Duration TARGET_OVERHEAD_P50 = Duration.ofMillis(1);
    private static final int WEB_PORT = 8080;
    private static final int LISTENER_PORT = 8000;
    private static final int REQUESTS_PER_ROUND = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    /** The stable service's size: `berth up` offers 8 times the machine's cores, room for 20 tasks of 0.25 vCPU and their replacements. */
    static final int STABLE_TASKS = 20;
    private static final Duration LARGE_TIMEOUT = Duration.ofSeconds(900);
    private static final int HEALTH_CHECK_INTERVAL_SECONDS = 5;
    private static final int HEALTHY_THRESHOLD = 2;

    private LoadBalancerBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, LoadBalancerBenchmark::run);
    }

    private record Figures(String path, List<Duration> latencies, long requests, long nanos) {}

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        out.println("Berth load balancer benchmark: requests through HAProxy next to direct, failed requests during a deployment");
        Ipv4Cidr range = Ipv4Cidr.parse("127.79." + ThreadLocalRandom.current().nextInt(1, 255) + ".0/24");
        BerthUnderTest.Started started = BerthUnderTest.start(cleanup, options.runcBinary(), 16, config -> config,
                controlPlane -> controlPlane.withIngressAddresses(range));
        BenchmarkCluster cluster = started.cluster();
        EcsClient ecs = cluster.ecs();
        ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder()
                .endpointOverride(started.berth().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(started.berth().operatorKey().accessKeyId(),
                        started.berth().operatorKey().secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        cleanup.push("ELB client", elb::close);

        String revision1 = register(ecs, started.image(), "rev-1");
        String revision2 = register(ecs, started.image(), "rev-2");
        LoadBalancer loadBalancer = elb.createLoadBalancer(request -> request.name("bench").type(LoadBalancerTypeEnum.APPLICATION)).loadBalancers().getFirst();
        cleanup.push("load balancer", () -> elb.deleteLoadBalancer(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn())));
        String targetGroup = elb.createTargetGroup(request -> request.name("bench").protocol(ProtocolEnum.HTTP).port(WEB_PORT).targetType(TargetTypeEnum.IP)
                        .healthCheckPath("/").healthCheckIntervalSeconds(HEALTH_CHECK_INTERVAL_SECONDS).healthCheckTimeoutSeconds(2).healthyThresholdCount(HEALTHY_THRESHOLD))
                .targetGroups().getFirst().targetGroupArn();
        elb.modifyTargetGroupAttributes(request -> request.targetGroupArn(targetGroup)
                .attributes(TargetGroupAttribute.builder().key("deregistration_delay.timeout_seconds").value("3").build()));
        elb.createListener(request -> request.loadBalancerArn(loadBalancer.loadBalancerArn()).protocol(ProtocolEnum.HTTP).port(LISTENER_PORT)
                .defaultActions(Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroup).build()));
        ecs.createService(request -> request.cluster(cluster.cluster()).serviceName("bench").taskDefinition(revision1).desiredCount(2)
                .networkConfiguration(BenchmarkCluster.AWSVPC).loadBalancers(entry -> entry.targetGroupArn(targetGroup).containerName("web").containerPort(WEB_PORT)));
        cleanup.push("service", () -> ecs.deleteService(request -> request.cluster(cluster.cluster()).service("bench").force(true)));
        out.println("waiting for the service's two tasks to be healthy targets ...");
        await(() -> completed(ecs, cluster.cluster(), revision1, 2), TIMEOUT);

        List<String> taskArns = ecs.listTasks(request -> request.cluster(cluster.cluster()).serviceName("bench")).taskArns();
        Task task = ecs.describeTasks(request -> request.cluster(cluster.cluster()).tasks(taskArns.getFirst())).tasks().getFirst();
        URI direct = URI.create("http://" + task.containers().getFirst().networkInterfaces().getFirst().privateIpv4Address() + ":" + WEB_PORT + "/");
        URI balanced = URI.create("http://" + loadBalancer.dnsName() + ":" + LISTENER_PORT + "/");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Figures directFigures = new Figures("direct to one task", new ArrayList<>(), 0, 0);
        Figures balancedFigures = new Figures("through the load balancer", new ArrayList<>(), 0, 0);
        Figures directClosing = new Figures("direct, connection per GET", new ArrayList<>(), 0, 0);
        Figures balancedClosing = new Figures("balancer, connection per GET", new ArrayList<>(), 0, 0);
        int rounds = Math.max(1, Math.min(options.iterations(), 10));
        sequential(http, direct, 50, new ArrayList<>());
        sequential(http, balanced, 50, new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            out.println("round " + (round + 1) + " of " + rounds + " (load average " + BenchmarkMain.loadAverage() + ") ...");
            directFigures = add(directFigures, http, direct);
            balancedFigures = add(balancedFigures, http, balanced);
            directClosing = addClosing(directClosing, direct);
            balancedClosing = addClosing(balancedClosing, balanced);
        }

        out.println("rolling deployment to revision 2 under a GET every 20 ms ...");
        LoadDuringDeployment load = new LoadDuringDeployment(http, balanced);
        Thread loader = Thread.ofVirtual().start(load);
        try {
            ecs.updateService(request -> request.cluster(cluster.cluster()).service("bench").taskDefinition(revision2));
            await(() -> completed(ecs, cluster.cluster(), revision2, 2), TIMEOUT);
            Thread.sleep(1000);
        }
        finally {
            load.stop();
            loader.join(Duration.ofSeconds(10));
        }

        out.println("baseline: RunTask of " + STABLE_TASKS + " standalone tasks to RUNNING ...");
        Duration runTasks = runTasksToRunning(ecs, cluster.cluster(), revision1, STABLE_TASKS);
        out.println("UpdateService desiredCount 2 -> " + STABLE_TASKS + " until steady ...");
        long scaleStart = System.nanoTime();
        ecs.updateService(request -> request.cluster(cluster.cluster()).service("bench").desiredCount(STABLE_TASKS));
        await(() -> completed(ecs, cluster.cluster(), revision2, STABLE_TASKS), LARGE_TIMEOUT);
        Duration scaleOut = Duration.ofNanos(System.nanoTime() - scaleStart);
        out.println("UpdateService of the " + STABLE_TASKS + " tasks to revision 3 under a GET every 20 ms until steady ...");
        String revision3 = register(ecs, started.image(), "rev-3");
        LoadDuringDeployment largeLoad = new LoadDuringDeployment(http, balanced);
        Thread largeLoader = Thread.ofVirtual().start(largeLoad);
        Duration rollout;
        try {
            long rolloutStart = System.nanoTime();
            ecs.updateService(request -> request.cluster(cluster.cluster()).service("bench").taskDefinition(revision3));
            await(() -> completed(ecs, cluster.cluster(), revision3, STABLE_TASKS), LARGE_TIMEOUT);
            rollout = Duration.ofNanos(System.nanoTime() - rolloutStart);
            Thread.sleep(1000);
        }
        finally {
            largeLoad.stop();
            largeLoader.join(Duration.ofSeconds(10));
        }

        out.println();
        out.println(String.format(Locale.ROOT, "%-28s %10s %10s %10s %12s", "path", "requests", "p50 ms", "p99 ms", "req/s (1 client)"));
        for (Figures figures : List.of(directFigures, balancedFigures, directClosing, balancedClosing)) {
            LatencySummary summary = LatencySummary.of(figures.latencies());
            out.println(String.format(Locale.ROOT, "%-28s %10d %10.3f %10.3f %12.0f", figures.path(), figures.requests(), millis(summary.p50()),
                    millis(summary.p99()), figures.requests() / (figures.nanos() / 1e9)));
        }
        Duration overhead = LatencySummary.of(balancedClosing.latencies()).p50().minus(LatencySummary.of(directClosing.latencies()).p50());
        out.println(String.format(Locale.ROOT, "deployment: %d requests, %d failed, answered by %s", load.requests(), load.failures().size(), load.answers()));
        load.failures().stream().limit(5).forEach(failure -> out.println("  failed: " + failure));
        out.println(String.format(Locale.ROOT, "%-56s %8.1f s", "baseline: RunTask of " + STABLE_TASKS + " tasks to RUNNING", runTasks.toMillis() / 1000.0));
        out.println(String.format(Locale.ROOT, "%-56s %8.1f s", "floor: a new target's health checks (" + HEALTHY_THRESHOLD + " x " + HEALTH_CHECK_INTERVAL_SECONDS + " s)",
                (double) HEALTHY_THRESHOLD * HEALTH_CHECK_INTERVAL_SECONDS));
        out.println(String.format(Locale.ROOT, "%-56s %8.1f s", "UpdateService 2 -> " + STABLE_TASKS + " tasks to steady state", scaleOut.toMillis() / 1000.0));
        out.println(String.format(Locale.ROOT, "%-56s %8.1f s", "UpdateService of " + STABLE_TASKS + " tasks to revision 3, to steady", rollout.toMillis() / 1000.0));
        out.println(String.format(Locale.ROOT, "deployment of %d tasks: %d requests, %d failed, answered by %s", STABLE_TASKS, largeLoad.requests(),
                largeLoad.failures().size(), largeLoad.answers()));
        largeLoad.failures().stream().limit(5).forEach(failure -> out.println("  failed: " + failure));
        out.println();
        out.println(String.format(Locale.ROOT, "target: 0 failed requests during the deployment: %d -> %s", load.failures().size(),
                load.failures().isEmpty() ? "MET" : "NOT MET"));
        out.println(String.format(Locale.ROOT, "target: 0 failed requests during the deployment of %d tasks: %d -> %s", STABLE_TASKS, largeLoad.failures().size(),
                largeLoad.failures().isEmpty() ? "MET" : "NOT MET"));
        out.println(String.format(Locale.ROOT, "target: proxy overhead <= %.1f ms p50 (connection per GET): %.3f ms -> %s", millis(TARGET_OVERHEAD_P50), millis(overhead),
                overhead.compareTo(TARGET_OVERHEAD_P50) <= 0 ? "MET" : "NOT MET"));
        out.println("cleaning up ...");
    }

    private static Figures add(Figures figures, HttpClient http, URI uri)
            throws IOException, InterruptedException
    {
        long start = System.nanoTime();
        sequential(http, uri, REQUESTS_PER_ROUND, figures.latencies());
        return new Figures(figures.path(), figures.latencies(), figures.requests() + REQUESTS_PER_ROUND, figures.nanos() + System.nanoTime() - start);
    }

    private static Figures addClosing(Figures figures, URI uri)
            throws IOException
    {
        long start = System.nanoTime();
        for (int i = 0; i < REQUESTS_PER_ROUND; i++) {
            figures.latencies().add(getOnNewConnection(uri));
        }
        return new Figures(figures.path(), figures.latencies(), figures.requests() + REQUESTS_PER_ROUND, figures.nanos() + System.nanoTime() - start);
    }

    /**
     * One GET on a connection of its own, closed after the answer, timed from connect to the last byte. A plain socket,
     * since java.net.http pools connections and will not send {@code Connection: close}.
     */
    private static Duration getOnNewConnection(URI uri)
            throws IOException
    {
        byte[] request = ("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(request);
            byte[] answer = socket.getInputStream().readAllBytes();
            long took = System.nanoTime() - start;
            String statusLine = new String(answer, 0, Math.min(answer.length, 64), StandardCharsets.US_ASCII);
            if (!statusLine.startsWith("HTTP/1.1 200") && !statusLine.startsWith("HTTP/1.0 200")) {
                throw new IOException("GET " + uri + " on a new connection answered " + statusLine.lines().findFirst().orElse("nothing"));
            }
            return Duration.ofNanos(took);
        }
    }

    /** count GETs one after another on one keep-alive connection; each one's latency into latencies. */
    private static void sequential(HttpClient http, URI uri, int count, List<Duration> latencies)
            throws IOException, InterruptedException
    {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IOException("GET " + uri + " answered " + response.statusCode());
            }
            latencies.add(Duration.ofNanos(took));
        }
    }

    /** GETs every 20 ms until stopped (at most 10 minutes), counting answers and failures. */
    private static final class LoadDuringDeployment
            implements Runnable
    {
        private final HttpClient http;
        private final URI uri;
        private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.Map<String, Integer> answers = new java.util.concurrent.ConcurrentSkipListMap<>();
        private volatile boolean running = true;
        private volatile long requests;

        LoadDuringDeployment(HttpClient http, URI uri)
        {
            this.http = http;
            this.uri = uri;
        }

        @Override
        public void run()
        {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (running && System.nanoTime() < deadline) {
                requests++;
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        answers.merge(response.body().strip(), 1, Integer::sum);
                    }
                    else {
                        failures.add("HTTP " + response.statusCode());
                    }
                    Thread.sleep(20);
                }
                catch (InterruptedException e) {
                    return;
                }
                catch (IOException e) {
                    failures.add(e.toString());
                }
            }
        }

        void stop()
        {
            running = false;
        }

        long requests()
        {
            return requests;
        }

        List<String> failures()
        {
            return failures;
        }

        java.util.Map<String, Integer> answers()
        {
            return answers;
        }
    }

    private static boolean completed(EcsClient ecs, String cluster, String taskDefinition, int count)
    {
        Service service = ecs.describeServices(request -> request.cluster(cluster).services("bench")).services().getFirst();
        return service.deployments().size() == 1 && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED
                && service.taskDefinition().equals(taskDefinition) && service.runningCount() == count;
    }

    /** RunTask of count standalone tasks (10 per call, as ECS allows) until all are RUNNING; then stops them. */
    private static Duration runTasksToRunning(EcsClient ecs, String cluster, String taskDefinition, int count)
            throws InterruptedException, IOException
    {
        long start = System.nanoTime();
        List<String> arns = new ArrayList<>();
        for (int remaining = count; remaining > 0; remaining -= 10) {
            int batch = Math.min(remaining, 10);
            ecs.runTask(request -> request.cluster(cluster).taskDefinition(taskDefinition).count(batch).launchType(LaunchType.FARGATE)
                    .networkConfiguration(BenchmarkCluster.AWSVPC)).tasks().forEach(task -> arns.add(task.taskArn()));
        }
        await(() -> lastStatuses(ecs, cluster, arns).stream().allMatch("RUNNING"::equals), LARGE_TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        arns.forEach(arn -> ecs.stopTask(request -> request.cluster(cluster).task(arn)));
        await(() -> lastStatuses(ecs, cluster, arns).stream().allMatch("STOPPED"::equals), LARGE_TIMEOUT);
        return took;
    }

    private static List<String> lastStatuses(EcsClient ecs, String cluster, List<String> arns)
    {
        List<String> statuses = new ArrayList<>();
        for (int from = 0; from < arns.size(); from += 100) {
            List<String> page = arns.subList(from, Math.min(arns.size(), from + 100));
            ecs.describeTasks(request -> request.cluster(cluster).tasks(page)).tasks().forEach(task -> statuses.add(task.lastStatus()));
        }
        return statuses;
    }

    /** Polls condition every 500 ms until it holds; fails after timeout. */
    static void await(BooleanSupplier condition, Duration timeout)
            throws InterruptedException, IOException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IOException("not reached within " + timeout.toSeconds() + " s");
    }

    /** busybox httpd on WEB_PORT serving the revision's name. */
    private static String register(EcsClient ecs, String image, String page)
    {
        return ecs.registerTaskDefinition(request -> request.family("bench-web").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").networkMode("awsvpc")
                        .containerDefinitions(ContainerDefinition.builder().name("web").image(image)
                                .command("sh", "-c", "mkdir -p /tmp/www; echo " + page + " > /tmp/www/index.html; httpd -p " + WEB_PORT
                                        + " -h /tmp/www; trap 'exit 0' TERM; sleep 3600 & wait")
                                .portMappings(PortMapping.builder().containerPort(WEB_PORT).build())
                                .stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
    }

    private static double millis(Duration duration)
    {
        return duration.toNanos() / 1e6;
    }
}
