package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.PrometheusText;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seen from outside, on a real `berth up`: after RunTask through the AWS SDK, /metrics on the API port and on the
 * agent's port (read with the token in the data directory, parsed strictly) count the request, the placement, the
 * task by state and the agent's steps; `berth events` tells where the task went and why it stopped, as lines and as
 * JSON, and -f prints a failed start as it happens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsAndEventsEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String LONG_TASK = "trap 'exit 0' TERM; echo started; while true; do sleep 1; done";

    private final String bridgeName = io.berth.testing.TestNetworks.bridgeName("btmx");
    private final String subnet = io.berth.testing.TestNetworks.subnet();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path workDirectory;
    private Path dataDirectory;
    private Process berthUp;
    private BerthCli cli;
    private EcsClient ecs;
    private String image;

    @BeforeAll
    void startBerthUp()
            throws IOException
    {
        workDirectory = Files.createTempDirectory("berth-e2e-metrics-work");
        dataDirectory = Files.createTempDirectory("berth-e2e-metrics");
        int port = FreePorts.any();
        Path stdout = workDirectory.resolve("up.out");
        berthUp = BerthCli.withoutEnvironment().startWithOutputTo(stdout, workDirectory.resolve("up.err"),
                "up", "--data-dir", dataDirectory.toString(), "--port", Integer.toString(port), "--bridge", bridgeName, "--subnet", subnet,
                // the test scrapes /metrics with a plain client; TLS has its own test (TlsEndToEndTest)
                "--tls", "off");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!berthUp.isAlive()) {
                throw new AssertionError("berth up exited with " + berthUp.exitValue() + ":\n" + Files.readString(stdout));
            }
            return Files.readString(stdout).contains("API listening on http://127.0.0.1:" + port) && Files.exists(dataDirectory.resolve("berth.env"));
        });
        cli = BerthCli.fromEnvironmentFile(dataDirectory.resolve("berth.env"));
        Map<String, String> environment = cli.environment();
        ecs = EcsClient.builder()
                .endpointOverride(URI.create(environment.get("AWS_ENDPOINT_URL")))
                .region(Region.of(environment.get("AWS_DEFAULT_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(environment.get("AWS_ACCESS_KEY_ID"), environment.get("AWS_SECRET_ACCESS_KEY"))))
                .build();
        OciLayoutImage layout = TestImages.buildOciLayout(workDirectory.resolve("layout"), "latest", TestImageConfig.busybox());
        BerthCli.Result imported = cli.run("image", "import", layout.layout().toString(), "--tag", "e2e/busybox:1");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        image = imported.stdout().strip();
    }

    @AfterAll
    void stopBerthUp()
            throws IOException
    {
        if (ecs != null) {
            ecs.close();
        }
        if (berthUp != null) {
            berthUp.destroy();
            try {
                if (!berthUp.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    BerthCli.destroyTree(berthUp);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                BerthCli.destroyTree(berthUp);
            }
        }
        if (dataDirectory != null) {
            new HostLeftovers(dataDirectory).cleanUpAndDelete();
        }
        try {
            HostLeftovers.removeTaskNetwork(bridgeName);
        }
        finally {
            if (workDirectory != null) {
                CliEndToEndTest.deleteRecursively(workDirectory);
            }
        }
    }

    @Test
    @Order(1)
    void metricsCountTheRunTaskAndEventsTellWhereItWentAndWhyItStopped()
            throws Exception
    {
        String definition = ecs.registerTaskDefinition(request -> request.family("metrics").cpu("256").memory("512").requiresCompatibilitiesWithStrings("FARGATE")
                        .networkMode("awsvpc")
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(image).command("sh", "-c", LONG_TASK).build()))
                .taskDefinition().taskDefinitionArn();
        String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition(definition)).tasks().getFirst().taskArn();
        awaitStatus(taskArn, "RUNNING");

        String token = "Bearer " + Files.readString(dataDirectory.resolve("metrics-token")).strip();
        URI controlPlaneMetrics = URI.create(cli.environment().get("BERTH_ENDPOINT") + "/metrics");
        assertThat(get(controlPlaneMetrics, null).statusCode()).as("without the token").isEqualTo(401);
        String controlPlaneText = get(controlPlaneMetrics, token).body();
        PrometheusText controlPlane = PrometheusText.parse(controlPlaneText);
        assertThat(controlPlane.value("berth_api_requests_total", Map.of("service", "ecs", "action", "RunTask", "code", "200", "error", ""))).hasValue(1);
        assertThat(controlPlane.value("berth_api_request_duration_seconds_count", Map.of("service", "ecs", "action", "RunTask"))).hasValue(1);
        assertThat(controlPlane.value("berth_placements_total", Map.of("result", "placed"))).hasValue(1);
        assertThat(controlPlane.value("berth_placement_latency_seconds_count", Map.of())).hasValue(1);
        assertThat(controlPlane.value("berth_tasks", Map.of("last_status", "RUNNING"))).hasValue(1);
        assertThat(controlPlane.value("berth_hosts", Map.of("state", "ACTIVE"))).hasValue(1);
        assertThat(controlPlane.value("berth_leader", Map.of())).hasValue(1);
        assertThat(controlPlaneText).as("no account id or ARN").doesNotContain(taskArn.split(":")[4], "task/");

        // the operator finds each agent's metrics port in the host list
        BerthCli.Result hosts = cli.run("host", "ls", "-o", "json");
        assertThat(hosts.exitCode()).as(hosts.toString()).isZero();
        JsonNode host = Json.mapper().readTree(hosts.stdout()).get(0);
        URI agentMetrics = URI.create("http://" + host.get("address").asText() + ":" + host.get("agentPort").asInt() + "/metrics");
        assertThat(get(agentMetrics, null).statusCode()).as("the agent's metrics without the token").isEqualTo(401);
        PrometheusText agent = PrometheusText.parse(get(agentMetrics, token).body());
        assertThat(agent.value("berth_agent_task_starts_total", Map.of("result", "running"))).hasValue(1);
        assertThat(agent.value("berth_agent_task_start_duration_seconds_count", Map.of())).hasValue(1);
        for (String step : List.of("image_pull", "network_setup", "storage_create", "rootfs_prepare", "container_start")) {
            assertThat(agent.value("berth_agent_task_step_duration_seconds_count", Map.of("step", step, "result", "success"))).as(step).hasValue(1);
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(PrometheusText.parse(get(agentMetrics, token).body())
                .value("berth_agent_image_store_bytes", Map.of()).orElse(0)).as("the image store, measured after the pull").isPositive());

        ecs.stopTask(request -> request.task(taskArn).reason("seen enough"));
        awaitStatus(taskArn, "STOPPED");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            PrometheusText afterStop = PrometheusText.parse(get(agentMetrics, token).body());
            assertThat(afterStop.value("berth_agent_task_stops_total", Map.of("stop_code", "Requested"))).hasValue(1);
            assertThat(afterStop.value("berth_agent_task_step_duration_seconds_count", Map.of("step", "network_teardown", "result", "success"))).hasValue(1);
            assertThat(afterStop.sum("berth_agent_cleanup_failures_total", Map.of())).isZero();
        });

        BerthCli.Result events = cli.run("events");
        assertThat(events.exitCode()).as(events.toString()).isZero();
        List<String> lines = events.stdoutLines().stream().filter(line -> line.contains(taskArn)).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("  TASK_PLACED  " + taskArn + "  placed on host " + host.get("hostId").asText() + " after ");
        assertThat(lines.get(1)).endsWith("  TASK_STOP_REQUESTED  " + taskArn + "  told to stop (UserInitiated): seen enough");
        assertThat(lines.get(2)).endsWith("  TASK_STOPPED  " + taskArn + "  stopped (UserInitiated): seen enough");

        BerthCli.Result json = cli.run("events", "-o", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        List<JsonNode> taskEvents = json.stdoutLines().stream().map(MetricsAndEventsEndToEndTest::parse).filter(event -> event.get("resource").asText().equals(taskArn)).toList();
        assertThat(taskEvents).extracting(event -> event.get("type").asText()).containsExactly("TASK_PLACED", "TASK_STOP_REQUESTED", "TASK_STOPPED");
        assertThat(taskEvents.getFirst().get("hostId").asText()).isEqualTo(host.get("hostId").asText());
    }

    @Test
    @Order(2)
    void followPrintsAFailedStartAsItHappens()
            throws Exception
    {
        // an event to start from: the follower prints it first, so what comes after it was seen happening
        String hostId = Json.mapper().readTree(cli.run("host", "ls", "-o", "json").stdout()).get(0).get("hostId").asText();
        assertThat(cli.run("host", "cordon", hostId).exitCode()).isZero();
        assertThat(cli.run("host", "uncordon", hostId).exitCode()).isZero();
        Path followed = workDirectory.resolve("events.out");
        Process follower = cli.startWithOutputTo(followed, workDirectory.resolve("events.err"), "events", "-f", "--limit", "1");
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(followed, UTF_8).contains("  HOST_UNCORDONED  " + hostId + "  uncordoned"));
            String definition = ecs.registerTaskDefinition(request -> request.family("missing-image").cpu("256").memory("512").requiresCompatibilitiesWithStrings("FARGATE")
                            .networkMode("awsvpc")
                            .containerDefinitions(ContainerDefinition.builder().name("main").image(cli.environment().get("BERTH_REGISTRY") + "/no/such-image:1").build()))
                    .taskDefinition().taskDefinitionArn();
            String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition(definition)).tasks().getFirst().taskArn();
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(Files.readString(followed, UTF_8))
                    .contains("  TASK_PLACED  " + taskArn)
                    .containsPattern("  TASK_STOPPED  " + java.util.regex.Pattern.quote(taskArn) + "  stopped \\(TaskFailedToStart\\): CannotPullContainerError: .*no/such-image"));
            assertThat(follower.isAlive()).as("berth events -f keeps following").isTrue();
        }
        finally {
            BerthCli.destroyTree(follower);
        }
    }

    private void awaitStatus(String taskArn, String status)
    {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            Task task = ecs.describeTasks(request -> request.tasks(taskArn)).tasks().getFirst();
            assertThat(task.lastStatus()).as(task.toString()).isEqualTo(status);
        });
    }

    private HttpResponse<String> get(URI uri, String authorization)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String line)
    {
        try {
            return Json.mapper().readTree(line);
        }
        catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
