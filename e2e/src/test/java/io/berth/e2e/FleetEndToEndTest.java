package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.cli.client.BerthClient;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.files.FileTrees;
import io.berth.testing.BerthProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hosts, each an agent process in its own network namespace with its own address and data directory,
 * joined over the network to a `berth server` process: registration, refusal of bad tokens and credentials,
 * tasks on remote agents with their logs, and SIGKILL of an agent or of the control plane.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CLUSTER = TestFleet.CLUSTER;

    private TestFleet fleet;
    private String sleeper;

    @BeforeAll
    void startFleet()
            throws Exception
    {
        fleet = TestFleet.start(3);
        try (EcsClient ecs = fleet.operatorClient()) {
            sleeper = ecs.registerTaskDefinition(request -> request.family("fleet-sleeper").cpu("256").memory("512")
                            .containerDefinitions(ContainerDefinition.builder().name("main").image(fleet.image())
                                    .command("sh", "-c", "echo hello from the fleet; exec sleep 600").stopTimeout(2).build()))
                    .taskDefinition().taskDefinitionArn();
        }
    }

    @AfterAll
    void stopFleet()
            throws Exception
    {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void hostsJoinWithTheirAddressCapacityAndAttributes()
            throws Exception
    {
        Map<String, HostInfo> hosts = fleet.hosts();
        assertThat(hosts).hasSize(3);
        for (int i = 0; i < 3; i++) {
            HostInfo host = hosts.get(fleet.hostId(i));
            assertThat(host).as("host of agent %d", i).isNotNull();
            assertThat(host.address()).isEqualTo(fleet.host(i).address());
            assertThat(host.cpu()).isEqualTo(1024);
            assertThat(host.memoryMiB()).isEqualTo(2048);
            assertThat(host.attributes()).containsEntry("ecs.availability-zone", "zone-" + i).containsEntry("rack", "rack-" + i);
            assertThat(host.agentPort()).isPositive();
        }
        // the join token is reusable, but every host got an identity of its own
        assertThat(Set.of(fleet.hostId(0), fleet.hostId(1), fleet.hostId(2))).hasSize(3);
    }

    @Test
    @Order(2)
    void anAgentWithABadTokenIsRefusedWithAOneLineError()
            throws Exception
    {
        Path directory = Files.createTempDirectory("berth-e2e-refused-agent");
        try {
            String badToken = fleet.token().substring(0, fleet.token().indexOf('.') + 1) + "0".repeat(64);
            BerthProcess.Result result = BerthProcess.run(Optional.of(fleet.host(0)),
                    List.of("agent", "--join", fleet.endpoint().toString(), "--token", badToken, "--data-dir", directory.toString()), Map.of());
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stderr().strip()).startsWith("berth: ").contains("refused this host").contains("join token is not valid")
                    .contains("berth host token").doesNotContain("\n").doesNotContain("Exception");
            assertThat(directory.resolve("host-credential.json")).doesNotExist();
        }
        finally {
            FileTrees.deleteRecursively(directory);
        }
    }

    @Test
    @Order(3)
    void theAgentProtocolRefusesCallsWithoutAValidCredential()
            throws Exception
    {
        HttpClient http = HttpClient.newHttpClient();
        URI base = fleet.endpoint().resolve("/berth/agent/v1/");

        HttpResponse<String> join = http.send(HttpRequest.newBuilder(base.resolve("join"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"jt0000.nope\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(join.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(join.body()).path("message").asText()).contains("berth host token");

        HostCredential first = fleet.credential(0);
        String syncForSecondHost = Json.mapper().writeValueAsString(new SyncRequest(fleet.hosts().get(fleet.hostId(1)), List.of()));
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(base.resolve("sync"))
                .POST(HttpRequest.BodyPublishers.ofString(syncForSecondHost)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> wrongSecret = http.send(HttpRequest.newBuilder(base.resolve("changes?timeout=0"))
                .header("Authorization", new HostCredential(first.hostId(), "0".repeat(64)).authorizationHeader()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongSecret.statusCode()).isEqualTo(401);

        HttpResponse<String> impersonation = http.send(HttpRequest.newBuilder(base.resolve("sync"))
                .header("Authorization", first.authorizationHeader())
                .POST(HttpRequest.BodyPublishers.ofString(syncForSecondHost)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(impersonation.statusCode()).isEqualTo(403);
        assertThat(Json.mapper().readTree(impersonation.body()).path("message").asText()).contains(first.hostId()).contains(fleet.hostId(1));

        // and the agent endpoint refuses anyone but the control plane
        HostInfo host = fleet.hosts().get(first.hostId());
        HttpResponse<String> logs = http.send(HttpRequest.newBuilder(URI.create("http://" + host.address() + ":" + host.agentPort() + "/v1/tasks/x/logs")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logs.statusCode()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void tasksRunOnRemoteAgentsAndTheirLogsAreReadableThroughTheControlPlane()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = runSleeper(ecs);
            String hostId = fleet.hostOfTask(taskArn);
            int index = fleet.indexOfHost(hostId);
            assertThat(fleet.containers(index).values()).anyMatch(status -> status.orElse(null) instanceof ContainerStatus.Running);

            assertThat(awaitLogLine(taskArn, "hello from the fleet")).containsExactly("hello from the fleet");

            ecs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
            Task stopped = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
            assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
            assertThat(fleet.containers(index)).isEmpty();
        }
    }

    @Test
    @Order(5)
    void tasksSurviveAnAgentKilledWithSigkillAndAreAdoptedWhenItRestarts()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = runSleeper(ecs);
            int index = fleet.indexOfHost(fleet.hostOfTask(taskArn));

            fleet.killAgent(index);
            assertThat(fleet.containers(index).values()).as("containers outlive their agent")
                    .anyMatch(status -> status.orElse(null) instanceof ContainerStatus.Running);

            fleet.restartAgent(index);
            // the restarted agent serves the logs again (from a new endpoint port it reports in its heartbeat)
            assertThat(awaitLogLine(taskArn, "hello from the fleet")).containsExactly("hello from the fleet");
            assertThat(BerthEnvironment.describe(ecs, CLUSTER, taskArn).lastStatus()).isEqualTo("RUNNING");

            ecs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
            Task stopped = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
            assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
            assertThat(stopped.containers().get(0).exitCode()).isNotNull();
        }
    }

    @Test
    @Order(6)
    void tasksKeepRunningWhileTheControlPlaneIsKilledAndAreKnownAgainWhenItRestarts()
            throws Exception
    {
        String taskArn;
        int index;
        try (EcsClient ecs = fleet.operatorClient()) {
            taskArn = runSleeper(ecs);
            index = fleet.indexOfHost(fleet.hostOfTask(taskArn));
        }

        fleet.killServer();
        Thread.sleep(3_000); // agents heartbeat into the void for a while
        assertThat(fleet.containers(index).values()).anyMatch(status -> status.orElse(null) instanceof ContainerStatus.Running);
        fleet.restartServer();

        try (EcsClient ecs = fleet.operatorClient()) {
            assertThat(BerthEnvironment.describe(ecs, CLUSTER, taskArn).lastStatus()).isEqualTo("RUNNING");
            assertThat(awaitLogLine(taskArn, "hello from the fleet")).containsExactly("hello from the fleet");
            ecs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
            assertThat(awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT).stopCodeAsString()).isEqualTo("UserInitiated");
        }
    }

    @Test
    @Order(7)
    void nothingIsLeftOnTheHostsOnceTheirTasksStopped()
            throws Exception
    {
        fleet.stopAllTasks(TIMEOUT);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(fleet.leftovers()).isEmpty());
    }

    private String runSleeper(EcsClient ecs)
    {
        String taskArn = ecs.runTask(request -> request.cluster(CLUSTER).taskDefinition(sleeper)).tasks().get(0).taskArn();
        awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT);
        return taskArn;
    }

    /** The lines of the task's log, read through the control plane, once they include text (fails after 30 s). */
    private List<String> awaitLogLine(String taskArn, String text)
    {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        try (BerthClient client = fleet.signedClient()) {
            return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
                JsonNode page = client.admin("GET", "/berth/tasks/" + BerthClient.pathSegment(taskId) + "/logs", Map.of("cluster", CLUSTER), null);
                List<String> lines = new ArrayList<>();
                page.path("lines").forEach(line -> lines.add(line.path("text").asText()));
                return lines;
            }, lines -> lines.contains(text));
        }
    }
}
