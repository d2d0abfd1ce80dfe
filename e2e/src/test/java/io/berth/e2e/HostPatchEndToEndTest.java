package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;
import io.berth.testing.BerthProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `berth host patch` on a real fleet (a `berth server` process and three `berth agent` processes in their own network
 * namespaces): a patch of every host with --max-unavailable 1 under a service and a standalone task drains one host at a
 * time (never two out of service), the service's tasks move make-before-break (it never runs fewer than its desired
 * count), the standalone task stops at the drain deadline, each host runs the command once through its agent (each
 * writes its host id to a file), and the run ends COMPLETED with every host back in service and the steps in `berth
 * events`. A command that fails stops the run at its host, which stays cordoned, and the next host is not touched; a
 * command that overruns its deadline is killed and fails the run the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostPatchEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CLUSTER = TestFleet.CLUSTER;

    private TestFleet fleet;
    private EcsClient ecs;
    private Path marks;

    @BeforeAll
    void startFleet()
            throws Exception
    {
        fleet = TestFleet.start(3);
        ecs = fleet.operatorClient();
        marks = Files.createTempDirectory("berth-patch-marks");
    }

    @AfterAll
    void stopFleet()
            throws Exception
    {
        if (ecs != null) {
            for (String service : ecs.listServices(request -> request.cluster(CLUSTER)).serviceArns()) {
                ecs.deleteService(request -> request.cluster(CLUSTER).service(service).force(true));
            }
            ecs.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (marks != null) {
            try (var files = Files.list(marks)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(marks);
        }
    }

    /** A test that failed leaves no host cordoned for the next. */
    @AfterEach
    void uncordonEveryHost()
            throws Exception
    {
        for (int i = 0; i < fleet.size(); i++) {
            admin("POST", "/berth/hosts/" + fleet.hostId(i) + "/uncordon");
        }
    }

    @Test
    @Order(1)
    void aPatchOfEveryHostKeepsTheServiceRunningAndRunsTheCommandOnceOnEachHost()
            throws Exception
    {
        long began = System.nanoTime();
        ContainerDefinition sleeper = ContainerDefinition.builder().name("main").image(fleet.image())
                .command("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build();
        String definition = ecs.registerTaskDefinition(request -> request.family("patched").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").containerDefinitions(sleeper))
                .taskDefinition().taskDefinitionArn();
        ecs.createService(request -> request.cluster(CLUSTER).serviceName("web").taskDefinition(definition).desiredCount(2)
                .networkConfiguration(BerthEnvironment.awsvpc()));
        String standalone = ecs.runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .networkConfiguration(BerthEnvironment.awsvpc())).tasks().getFirst().taskArn();
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("web").runningCount() == 2);
        BerthEnvironment.awaitStatus(ecs, CLUSTER, standalone, "RUNNING", TIMEOUT);
        String standaloneHost = fleet.hostOfTask(standalone);

        System.out.printf("service and task running after %.1f s%n", (System.nanoTime() - began) / 1e9);
        long patchBegan = System.nanoTime();
        Path marked = marks.resolve("patched");
        AtomicInteger mostOutOfService = new AtomicInteger();
        AtomicInteger fewestServiceTasks = new AtomicInteger(Integer.MAX_VALUE);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> {
            try {
                long out = 0;
                for (JsonNode host : admin("GET", "/berth/hosts").path("hosts")) {
                    out += host.path("state").asText().equals("ACTIVE") ? 0 : 1;
                }
                mostOutOfService.accumulateAndGet((int) out, Math::max);
                fewestServiceTasks.accumulateAndGet(describe("web").runningCount(), Math::min);
            }
            catch (RuntimeException e) {
                // a sample lost is no finding
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        BerthProcess.Result patch;
        try {
            patch = BerthProcess.run(Optional.empty(), List.of("host", "patch", "--all", "--command", "echo \"$BERTH_HOST_ID\" >> " + marked + "; echo patched $BERTH_HOST_ID",
                    "--max-unavailable", "1", "--drain-deadline", "20s", "--timeout", "30s", "--wait"), fleet.operatorEnvironment());
        }
        finally {
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }

        System.out.println("berth host patch --wait:\n" + patch.stdout());
        assertThat(patch.exitCode()).as("berth host patch --wait: %s\n%s", patch.stdout(), patch.stderr()).isZero();
        System.out.printf("the patch of 3 hosts took %.1f s%n", (System.nanoTime() - patchBegan) / 1e9);
        List<String> hostIds = new ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
            hostIds.add(fleet.hostId(i));
        }
        assertThat(Files.readAllLines(marked)).as("the hosts that ran the command, once each").containsExactlyInAnyOrderElementsOf(hostIds);
        assertThat(mostOutOfService.get()).as("most hosts out of service at once").isEqualTo(1);
        assertThat(fewestServiceTasks.get()).as("fewest RUNNING tasks of the service while its hosts were patched").isGreaterThanOrEqualTo(2);

        JsonNode run = admin("GET", "/berth/patches").path("runs").get(0);
        assertThat(run.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(run.path("hosts")).hasSize(3).allSatisfy(host -> {
            assertThat(host.path("step").asText()).isEqualTo("DONE");
            assertThat(host.path("exitCode").asInt()).isZero();
            assertThat(host.path("output").asText()).isEqualTo("patched " + host.path("hostId").asText() + "\n");
        });
        for (JsonNode host : admin("GET", "/berth/hosts").path("hosts")) {
            assertThat(host.path("state").asText()).as("host %s after the patch", host.path("hostId").asText()).isEqualTo("ACTIVE");
        }
        Task stopped = BerthEnvironment.describe(ecs, CLUSTER, standalone);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stoppedReason()).isEqualTo("Host " + standaloneHost + " was drained for maintenance");
        Service service = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> describe("web"),
                web -> web.runningCount() == 2 && web.pendingCount() == 0);
        assertThat(service.deployments()).hasSize(1);

        BerthProcess.Result status = BerthProcess.run(Optional.empty(), List.of("host", "patch", "--status"), fleet.operatorEnvironment());
        assertThat(status.exitCode()).isZero();
        assertThat(status.stdout()).contains(run.path("runId").asText() + "  COMPLETED").contains("patched " + hostIds.getFirst());
        BerthProcess.Result events = BerthProcess.run(Optional.empty(), List.of("events", "-n", "1000"), fleet.operatorEnvironment());
        for (String hostId : hostIds) {
            assertThat(events.stdout()).contains("HOST_PATCH_STARTED  " + hostId).contains("HOST_PATCH_COMMAND_ENDED  " + hostId + "  patch " + run.path("runId").asText()
                    + ": the command exited 0: patched " + hostId).contains("HOST_PATCHED  " + hostId);
        }
        assertThat(events.stdout()).contains("PATCH_COMPLETED  patch/" + run.path("runId").asText());
        ecs.deleteService(request -> request.cluster(CLUSTER).service("web").force(true));
    }

    @Test
    @Order(2)
    void aFailingCommandStopsTheRunAtItsHost()
            throws Exception
    {
        String first = fleet.hostId(0);
        String second = fleet.hostId(1);
        BerthProcess.Result patch = BerthProcess.run(Optional.empty(), List.of("host", "patch", first, second, "--command", "echo broken >&2; exit 7",
                "--drain-deadline", "5s", "--timeout", "30s", "--wait"), fleet.operatorEnvironment());

        assertThat(patch.exitCode()).as("berth host patch --wait: %s", patch.stdout()).isEqualTo(1);
        assertThat(patch.stdout()).contains("FAILED").contains("the command on host " + first + " exited 7: broken");
        JsonNode run = admin("GET", "/berth/patches").path("runs").get(0);
        assertThat(run.path("status").asText()).isEqualTo("FAILED");
        assertThat(run.path("hosts").get(0).path("step").asText()).isEqualTo("FAILED");
        assertThat(run.path("hosts").get(0).path("exitCode").asInt()).isEqualTo(7);
        assertThat(run.path("hosts").get(0).path("output").asText()).isEqualTo("broken\n");
        assertThat(run.path("hosts").get(1).path("step").asText()).as("the host after the failed one").isEqualTo("PENDING");
        assertThat(admin("GET", "/berth/hosts/" + first).path("state").asText()).as("the failed host, for the operator to look at").isEqualTo("CORDONED");
        assertThat(admin("GET", "/berth/hosts/" + second).path("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    @Order(3)
    void aCommandPastItsDeadlineIsKilledAndFailsTheRun()
            throws Exception
    {
        String host = fleet.hostId(2);
        Path child = marks.resolve("child-survived");
        // the shell's child would outlive a kill of the shell alone and write the file
        BerthProcess.Result patch = BerthProcess.run(Optional.empty(), List.of("host", "patch", host, "--command", "echo started; (sleep 6; touch " + child + ") & wait",
                "--drain-deadline", "5s", "--timeout", "2s", "--wait"), fleet.operatorEnvironment());

        assertThat(patch.exitCode()).isEqualTo(1);
        JsonNode run = admin("GET", "/berth/patches").path("runs").get(0);
        assertThat(run.path("failure").asText()).startsWith("the command on host " + host + " did not finish within 2 s and was killed: started")
                .contains("[killed: ");
        assertThat(run.path("hosts").get(0).path("output").asText()).startsWith("started\n");
        Thread.sleep(6_000);
        assertThat(child).as("a child of the killed command").doesNotExist();
    }

    @Test
    @Order(4)
    void aRebootingCommandIsDoneOnceANewAgentAnswersAndHeartbeats()
            throws Exception
    {
        int index = 1;
        String host = fleet.hostId(index);
        long before = fleet.agentPid(index);
        // the command stops its own agent, as `systemctl restart berth-agent` or a reboot would; the watcher restarts it, as systemd would
        AtomicInteger restarts = new AtomicInteger();
        ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
        supervisor.scheduleWithFixedDelay(() -> {
            try {
                if (!fleet.agentIsAlive(index)) {
                    fleet.restartAgent(index);
                    restarts.incrementAndGet();
                }
            }
            catch (Exception e) {
                // tried again at the next round
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        BerthProcess.Result patch;
        try {
            patch = BerthProcess.run(Optional.empty(), List.of("host", "patch", host, "--command", "echo restarting; kill -TERM $PPID",
                    "--reboot", "--drain-deadline", "5s", "--timeout", "60s", "--wait"), fleet.operatorEnvironment());
        }
        finally {
            supervisor.shutdownNow();
            supervisor.awaitTermination(10, TimeUnit.SECONDS);
        }

        assertThat(patch.exitCode()).as("berth host patch --reboot --wait: %s", patch.stdout()).isZero();
        assertThat(restarts.get()).isEqualTo(1);
        assertThat(fleet.agentPid(index)).isNotEqualTo(before);
        JsonNode run = admin("GET", "/berth/patches").path("runs").get(0);
        assertThat(run.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(admin("GET", "/berth/hosts/" + host).path("state").asText()).isEqualTo("ACTIVE");
        BerthProcess.Result events = BerthProcess.run(Optional.empty(), List.of("events", "-n", "50"), fleet.operatorEnvironment());
        assertThat(events.stdout()).contains("HOST_PATCH_COMMAND_ENDED  " + host + "  patch " + run.path("runId").asText() + ": the host is back with a new agent");
    }

    private Service describe(String service)
    {
        return ecs.describeServices(request -> request.cluster(CLUSTER).services(service)).services().getFirst();
    }

    private JsonNode admin(String method, String path)
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin(method, path, Map.of(), method.equals("POST") ? Json.mapper().createObjectNode() : null);
        }
    }
}
