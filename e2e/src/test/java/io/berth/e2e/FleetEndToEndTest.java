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
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
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
import java.util.TreeMap;
import java.util.function.Consumer;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hosts, each an agent process in its own network namespace with its own address and data directory,
 * joined over the network to a `berth server` process: registration, refusal of bad tokens and credentials,
 * tasks on remote agents with their logs, placement across the agents (spread, binpack, memberOf,
 * distinctInstance, tasks that fit nowhere), drain, SIGKILL of an agent or of the control plane, and a host lost
 * and back.
 *
 * <p>Which host a task is on comes from the operator's admin API (GET /berth/tasks/{id}/placement, as `berth
 * explain` shows it): Fargate tasks have no container instance, so DescribeTasks names no host. Each task's
 * container is then checked to run in that agent's runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CLUSTER = TestFleet.CLUSTER;

    private TestFleet fleet;
    private String sleeper;
    private String larger;

    @BeforeAll
    void startFleet()
            throws Exception
    {
        fleet = TestFleet.start(3);
        try (EcsClient ecs = fleet.operatorClient()) {
            // the shell ends at SIGTERM, so stopping a task takes no stopTimeout
            ContainerDefinition main = ContainerDefinition.builder().name("main").image(fleet.image())
                    .command("sh", "-c", "echo hello from the fleet; trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build();
            sleeper = ecs.registerTaskDefinition(request -> request.family("fleet-sleeper").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").containerDefinitions(main))
                    .taskDefinition().taskDefinitionArn();
            // more memory than any host of the fleet offers
            larger = ecs.registerTaskDefinition(request -> request.family("fleet-larger").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory(Integer.toString(2 * TestFleet.HOST_MEMORY_MIB))
                            .containerDefinitions(main))
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
            assertThat(host.cpu()).isEqualTo(TestFleet.HOST_CPU);
            assertThat(host.memoryMiB()).isEqualTo(TestFleet.HOST_MEMORY_MIB);
            assertThat(host.attributes()).containsEntry("ecs.availability-zone", "zone-" + i).containsEntry("rack", "rack-" + i);
            if (i == TestFleet.SSD_HOST) {
                assertThat(host.attributes()).containsEntry("disk", "ssd");
            }
            else {
                assertThat(host.attributes()).doesNotContainKey("disk");
            }
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
    void containersOnRemoteAgentsReadTheTaskMetadataEndpoint()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(sleeper)
                            .overrides(overrides -> overrides.containerOverrides(container -> container.name("main")
                                    .command("sh", "-c", "wget -q -O - \"$ECS_CONTAINER_METADATA_URI_V4/task\" || echo no metadata endpoint; echo; echo read"))))
                    .tasks().get(0).taskArn();
            // the agent serves it on its task bridge's gateway, in the agent's own network namespace
            List<String> lines = awaitLogLine(taskArn, "read");
            assertThat(lines).anyMatch(line -> line.contains("\"TaskARN\":\"" + taskArn + "\""));
            assertThat(awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT).containers().get(0).exitCode()).isZero();
        }
    }

    @Test
    @Order(10)
    void spreadOnInstanceIdPutsOneTaskOnEachHost()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            List<String> tasks = runTasks(ecs, 3, "spread", request -> request.placementStrategy(strategy(PlacementStrategyType.SPREAD, "instanceId")));

            assertThat(tasksPerHost(tasks)).as("tasks per test host").containsOnlyKeys(0, 1, 2).containsValues(1L);
        }
        finally {
            fleet.stopAllTasks(TIMEOUT);
        }
    }

    @Test
    @Order(11)
    void binpackOnMemoryFillsOneHostBeforeTheNext()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            // a host offers room for two of these tasks' memory
            List<String> tasks = runTasks(ecs, 3, "binpack", request -> request.placementStrategy(strategy(PlacementStrategyType.BINPACK, "memory")));

            assertThat(tasksPerHost(tasks).values()).as("tasks per used host").containsExactlyInAnyOrder(2L, 1L);
            JsonNode fullHost = admin("GET", "/berth/hosts/" + fleet.hostId(mostLoaded(tasksPerHost(tasks))));
            assertThat(fullHost.path("memory").path("allocated").asLong()).isEqualTo(fullHost.path("memory").path("capacity").asLong());
        }
        finally {
            fleet.stopAllTasks(TIMEOUT);
        }
    }

    @Test
    @Order(12)
    void memberOfPlacesTasksOnlyOnHostsWithTheAttribute()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            List<String> tasks = runTasks(ecs, 2, "ssd", request -> request.placementConstraints(
                    PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:disk == ssd").build()));

            assertThat(tasksPerHost(tasks)).containsExactly(Map.entry(TestFleet.SSD_HOST, 2L));
        }
        finally {
            fleet.stopAllTasks(TIMEOUT);
        }
    }

    @Test
    @Order(13)
    void distinctInstancePutsEachTaskOfAGroupOnAnotherHostEvenWhenBinpacking()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            List<String> tasks = runTasks(ecs, 3, "distinct", request -> request
                    .placementStrategy(strategy(PlacementStrategyType.BINPACK, "memory"))
                    .placementConstraints(PlacementConstraint.builder().type(PlacementConstraintType.DISTINCT_INSTANCE).build()));

            assertThat(tasksPerHost(tasks)).as("tasks per test host").containsOnlyKeys(0, 1, 2).containsValues(1L);
        }
        finally {
            fleet.stopAllTasks(TIMEOUT);
        }
    }

    @Test
    @Order(14)
    void tasksThatFitNowhereWaitInProvisioningWithReasonsPerHostThenStop()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            String tooLarge = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(larger)).tasks().get(0).taskArn();
            String noSuchDisk = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(sleeper).placementConstraints(
                    PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:disk == nvme").build())).tasks().get(0).taskArn();

            assertThat(BerthEnvironment.describe(ecs, CLUSTER, tooLarge).lastStatus()).isEqualTo("PROVISIONING");
            // the operator sees why, host by host, with `berth explain`
            BerthProcess.Result explained = BerthProcess.run(Optional.empty(), List.of("explain", taskId(tooLarge)), fleet.operatorEnvironment());
            assertThat(explained.exitCode()).as("berth explain: %s", explained.stderr()).isZero();
            assertThat(explained.stdout()).contains("(PROVISIONING)")
                    .contains("Waiting:  RESOURCE:MEMORY (no host has " + 2 * TestFleet.HOST_MEMORY_MIB + " MiB free; largest free: " + TestFleet.HOST_MEMORY_MIB
                            + " MiB; 3 hosts: 3 RESOURCE:MEMORY)");
            for (int i = 0; i < fleet.size(); i++) {
                String hostId = fleet.hostId(i);
                assertThat(explained.stdout().lines()).anyMatch(line -> line.startsWith(hostId) && line.strip().endsWith("RESOURCE:MEMORY"));
            }
            JsonNode waiting = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin("GET", "/berth/tasks/" + taskId(noSuchDisk) + "/placement"), placement -> placement.has("latestFailure"));
            assertThat(waiting.path("latestFailure").path("reason").asText()).isEqualTo("memberOf");
            assertThat(waiting.path("latestFailure").path("hosts")).hasSize(3).allSatisfy(host -> assertThat(host.path("reason").asText()).isEqualTo("memberOf"));

            // at the placement timeout they stop, saying what was short
            Task stoppedTooLarge = awaitStatus(ecs, CLUSTER, tooLarge, "STOPPED", TIMEOUT);
            assertThat(stoppedTooLarge.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(stoppedTooLarge.stoppedReason()).startsWith("Unable to place task: RESOURCE:MEMORY (no host has " + 2 * TestFleet.HOST_MEMORY_MIB + " MiB free");
            assertThat(stoppedTooLarge.startedAt()).isNull();
            Task stoppedNoSuchDisk = awaitStatus(ecs, CLUSTER, noSuchDisk, "STOPPED", TIMEOUT);
            assertThat(stoppedNoSuchDisk.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(stoppedNoSuchDisk.stoppedReason()).isEqualTo("Unable to place task: memberOf (no host matches 'attribute:disk == nvme'; 3 hosts: 3 memberOf)");
            for (int i = 0; i < fleet.size(); i++) {
                assertThat(fleet.containers(i)).doesNotContainKeys(taskId(tooLarge) + "-main", taskId(noSuchDisk) + "-main");
            }
        }
    }

    @Test
    @Order(15)
    void drainStopsTheTasksOfARealHostAtTheDeadlineLeavesItCordonedAndNewTasksAvoidIt()
            throws Exception
    {
        try (EcsClient ecs = fleet.operatorClient()) {
            String taskArn = runSleeper(ecs);
            String drained = hostOf(taskArn);
            int drainedIndex = fleet.indexOfHost(drained);
            assertRunsOn(taskArn, drainedIndex);

            BerthProcess.Result drain = BerthProcess.run(Optional.empty(), List.of("host", "drain", drained, "--deadline", "5s"), fleet.operatorEnvironment());
            assertThat(drain.exitCode()).as("berth host drain: %s", drain.stderr()).isZero();
            assertThat(drain.stdout()).contains("Host " + drained + " is draining");

            Task stopped = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
            assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
            assertThat(stopped.stoppedReason()).isEqualTo("Host " + drained + " was drained for maintenance");
            JsonNode host = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin("GET", "/berth/hosts/" + drained), node -> node.path("state").asText().equals("CORDONED"));
            assertThat(host.path("runningTasks").asInt()).isZero();
            assertThat(fleet.containers(drainedIndex)).isEmpty();

            // spread would pick the empty host first, if it could take tasks
            List<String> later = runTasks(ecs, 3, "after-drain", request -> request.placementStrategy(strategy(PlacementStrategyType.SPREAD, "instanceId")));
            assertThat(tasksPerHost(later)).doesNotContainKey(drainedIndex).hasSize(2);

            assertThat(admin("POST", "/berth/hosts/" + drained + "/uncordon").path("state").asText()).isEqualTo("ACTIVE");
        }
        finally {
            fleet.stopAllTasks(TIMEOUT);
        }
    }

    @Test
    @Order(20)
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
    @Order(21)
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
    @Order(22)
    void anAgentKilledForLongerThanHostLostAfterLosesItsHostAndTasksAndCleansThemUpWhenItReturns()
            throws Exception
    {
        int index = 1;
        String hostId = fleet.hostId(index);
        try (EcsClient ecs = fleet.operatorClient()) {
            List<String> tasks = runTasks(ecs, 1, "lost", request -> request.placementConstraints(
                    PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:rack == rack-" + index).build()));
            String taskArn = tasks.get(0);
            assertThat(hostOf(taskArn)).isEqualTo(hostId);

            fleet.killAgent(index);
            Task stopped = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TestFleet.HOST_LOST_AFTER.plus(TIMEOUT));
            assertThat(stopped.stoppedReason()).startsWith("Host " + hostId + " was lost: no heartbeat since ");
            assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
            assertThat(admin("GET", "/berth/hosts/" + hostId).path("state").asText()).isEqualTo("LOST");
            // nobody was there to stop the container: it still runs on the host
            assertThat(fleet.containers(index).get(taskId(taskArn) + "-main")).hasValueSatisfying(status -> assertThat(status).isInstanceOf(ContainerStatus.Running.class));
            assertThat(fleet.leftovers()).anyMatch(leftover -> leftover.startsWith("network namespace ") && leftover.endsWith("-" + taskId(taskArn)));

            fleet.restartAgent(index);
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .until(() -> admin("GET", "/berth/hosts/" + hostId).path("state").asText(), "ACTIVE"::equals);
            // told it should no longer run the task, the agent removes its container, network namespace, address, mounts and cgroup
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> assertThat(fleet.leftovers()).isEmpty());
            Task afterwards = BerthEnvironment.describe(ecs, CLUSTER, taskArn);
            assertThat(afterwards.lastStatus()).isEqualTo("STOPPED");
            assertThat(afterwards.stoppedReason()).isEqualTo(stopped.stoppedReason());

            // and the host takes tasks again
            String next = runTasks(ecs, 1, "lost", request -> request.placementConstraints(
                    PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:rack == rack-" + index).build())).get(0);
            assertThat(hostOf(next)).isEqualTo(hostId);
        }
        finally {
            fleet.stopAllTasks(TIMEOUT);
        }
    }

    @Test
    @Order(30)
    void nothingIsLeftOnTheHostsOnceTheirTasksStopped()
            throws Exception
    {
        fleet.stopAllTasks(TIMEOUT);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(fleet.leftovers()).isEmpty());
    }

    /** Runs count tasks of the sleeper in one RunTask call, in group, and waits until all run. */
    private List<String> runTasks(EcsClient ecs, int count, String group, Consumer<RunTaskRequest.Builder> placement)
    {
        RunTaskResponse response = ecs.runTask(request -> {
            request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(sleeper).count(count).group(group);
            placement.accept(request);
        });
        assertThat(response.failures()).isEmpty();
        List<String> taskArns = response.tasks().stream().map(Task::taskArn).toList();
        assertThat(taskArns).hasSize(count);
        taskArns.forEach(taskArn -> awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT));
        return taskArns;
    }

    /**
     * How many of the tasks each test host runs, by agent index: the host the control plane names for each task,
     * checked against the containers that agent's runtime holds.
     */
    private Map<Integer, Long> tasksPerHost(List<String> taskArns)
            throws IOException
    {
        Map<Integer, Long> counts = new TreeMap<>();
        for (String taskArn : taskArns) {
            int index = fleet.indexOfHost(hostOf(taskArn));
            assertRunsOn(taskArn, index);
            counts.merge(index, 1L, Long::sum);
        }
        return counts;
    }

    private static int mostLoaded(Map<Integer, Long> tasksPerHost)
    {
        return tasksPerHost.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private void assertRunsOn(String taskArn, int index)
            throws IOException
    {
        assertThat(fleet.containers(index).get(taskId(taskArn) + "-main")).as("container of task %s on test host %d", taskArn, index)
                .hasValueSatisfying(status -> assertThat(status).isInstanceOf(ContainerStatus.Running.class));
    }

    /** The host a task was placed on, from the operator's placement endpoint (what `berth explain` shows). */
    private String hostOf(String taskArn)
    {
        JsonNode placement = admin("GET", "/berth/tasks/" + taskId(taskArn) + "/placement");
        assertThat(placement.hasNonNull("hostId")).as("task %s is placed: %s", taskArn, placement).isTrue();
        return placement.path("hostId").asText();
    }

    private JsonNode admin(String method, String path)
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin(method, path, Map.of(), method.equals("POST") ? Json.mapper().createObjectNode() : null);
        }
    }

    private static PlacementStrategy strategy(PlacementStrategyType type, String field)
    {
        return PlacementStrategy.builder().type(type).field(field).build();
    }

    private static String taskId(String taskArn)
    {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private String runSleeper(EcsClient ecs)
    {
        String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(sleeper)).tasks().get(0).taskArn();
        awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT);
        return taskArn;
    }

    /** The lines of the task's log, read through the control plane, once they include text (fails after 30 s). */
    private List<String> awaitLogLine(String taskArn, String text)
    {
        try (BerthClient client = fleet.signedClient()) {
            return TestFleet.awaitLogLine(client, CLUSTER, taskArn, text);
        }
    }
}
