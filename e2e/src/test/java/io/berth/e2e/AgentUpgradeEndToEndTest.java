package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.cli.client.BerthClient;
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
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `berth host upgrade` with two builds (this test's Berth, and the same packed as a build with another version): the
 * agent of a host with a running task becomes build B in place (the same process id), the task's container runs on (the
 * same pid, startedAt unchanged, RUNNING throughout), the host reports version B, and a StopTask after the upgrade
 * works. A build with another SHA-256 than the one given is refused and the agent goes on (AgentBuildsTest has the other
 * refusals: not an archive, no jar, no Berth in it, a stalled download); a build that starts but cannot run an agent (a
 * library missing) is rolled back to the build before, in the same process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentUpgradeEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CLUSTER = TestFleet.CLUSTER;
    private static final String VERSION_B = "0.1.0-upgrade-b";
    private static final String VERSION_BROKEN = "0.1.0-upgrade-broken";
    private static final Duration HOST_LOST_AFTER = Duration.ofSeconds(30);

    private TestFleet fleet;
    private EcsClient ecs;
    private Path builds;
    private String hostId;

    @BeforeAll
    void startFleet()
            throws Exception
    {
        // the agent's handover (the old one closes, the new JVM starts and syncs) takes seconds; on a busy test machine more
        // than the fleet's usual 10 s before a silent host is called lost
        fleet = TestFleet.start(1, options -> options.withServerArguments(List.of("--placement-timeout", TestFleet.PLACEMENT_TIMEOUT.toSeconds() + "s",
                "--host-lost-after", HOST_LOST_AFTER.toSeconds() + "s")));
        ecs = fleet.operatorClient();
        builds = Files.createTempDirectory("berth-builds");
        hostId = fleet.hostId(0);
    }

    @AfterAll
    void stopFleet()
            throws Exception
    {
        if (ecs != null) {
            ecs.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (builds != null) {
            try (Stream<Path> files = Files.walk(builds)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Test
    @Order(1)
    void theAgentBecomesBuildBInPlaceWhileItsTaskRunsOn()
            throws Exception
    {
        long began = System.nanoTime();
        Path buildB = BerthBuilds.write(builds.resolve("berth-b.tar"), VERSION_B, jar -> true);
        System.out.printf("build B (%d MiB) written in %.1f s%n", Files.size(buildB) >> 20, (System.nanoTime() - began) / 1e9);
        ContainerDefinition sleeper = ContainerDefinition.builder().name("main").image(fleet.image())
                .command("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build();
        String definition = ecs.registerTaskDefinition(request -> request.family("upgraded").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                .containerDefinitions(sleeper)).taskDefinition().taskDefinitionArn();
        String taskArn = runTask(definition);
        Task before = BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT);
        String versionA = host().path("agentVersion").asText();
        assertThat(versionA).isNotBlank().isNotEqualTo(VERSION_B);
        long agentPid = fleet.agentPid(0);
        int containerPid = runningContainerPid();

        long upgradeBegan = System.nanoTime();
        BerthProcess.Result upgrade = berth("host", "upgrade", hostId, "--to", buildB.toString(), "--timeout", "60s", "--wait");
        System.out.printf("the upgrade took %.1f s:%n%s%n", (System.nanoTime() - upgradeBegan) / 1e9, upgrade.stdout());

        System.out.println(berth("events", "-n", "8").stdout());
        assertThat(upgrade.exitCode()).as("berth host upgrade --wait: %s\n%s", upgrade.stdout(), upgrade.stderr()).isZero();
        assertThat(upgrade.stdout()).contains("COMPLETED").contains("upgraded from build " + versionA + " to build " + VERSION_B);
        assertThat(host().path("agentVersion").asText()).as("the version the host reports").isEqualTo(VERSION_B);
        assertThat(fleet.agentIsAlive(0)).isTrue();
        assertThat(fleet.agentPid(0)).as("the agent's process id: the same process, now build B").isEqualTo(agentPid);
        assertThat(host().path("state").asText()).as("an upgrade neither drains nor cordons").isEqualTo("ACTIVE");
        assertThat(runningContainerPid()).as("the task's container process").isEqualTo(containerPid);
        assertThat(ProcessHandle.of(containerPid)).as("the container's process").hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());
        Task after = BerthEnvironment.describe(ecs, CLUSTER, taskArn);
        assertThat(after.lastStatus()).isEqualTo("RUNNING");
        assertThat(after.startedAt()).as("the task was not restarted").isEqualTo(before.startedAt());
        BerthProcess.Result list = berth("host", "ls");
        assertThat(list.stdout()).contains("VERSION").contains(VERSION_B);

        // the new agent acts on the task it adopted
        ecs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        Task stopped = BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> fleet.containers(0).isEmpty());
        System.out.printf("test 1 took %.1f s%n", (System.nanoTime() - began) / 1e9);
    }

    @Test
    @Order(2)
    void aBuildWithAnotherChecksumIsRefusedAndTheAgentGoesOn()
            throws Exception
    {
        long agentPid = fleet.agentPid(0);
        String version = host().path("agentVersion").asText();
        Path buildB = builds.resolve("berth-b.tar");
        BerthProcess.Result upgrade = berth("host", "upgrade", hostId, "--to", buildB.toString(), "--sha256", "0".repeat(64), "--timeout", "30s", "--wait");

        assertThat(upgrade.exitCode()).as("berth host upgrade --wait: %s", upgrade.stdout()).isEqualTo(1);
        assertThat(latestRun().path("failure").asText()).startsWith("the upgrade of host " + hostId + " failed: the upgrade failed: the build at " + buildB
                + " has SHA-256 ").contains("not the " + "0".repeat(64) + " given").endsWith("the agent goes on with build " + version);

        assertThat(fleet.agentPid(0)).isEqualTo(agentPid);
        assertThat(host().path("agentVersion").asText()).isEqualTo(version);
        assertThat(host().path("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    @Order(3)
    void aBuildThatCannotRunAnAgentIsRolledBack()
            throws Exception
    {
        long agentPid = fleet.agentPid(0);
        String version = host().path("agentVersion").asText();
        // `berth --version` works without the metrics library, an agent does not
        Path broken = BerthBuilds.write(builds.resolve("berth-broken.tar"), VERSION_BROKEN, jar -> !jar.startsWith("prometheus-metrics"));

        BerthProcess.Result upgrade = berth("host", "upgrade", hostId, "--to", broken.toString(), "--timeout", "60s", "--wait");

        assertThat(upgrade.exitCode()).as("berth host upgrade --wait: %s", upgrade.stdout()).isEqualTo(1);
        assertThat(latestRun().path("failure").asText()).contains("build " + VERSION_BROKEN + " did not come back (it did not start: ")
                .endsWith("rolled back to build " + version);
        assertThat(fleet.agentPid(0)).as("rolled back in the same process").isEqualTo(agentPid);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> host().path("agentVersion").asText().equals(version));
        // and it still runs tasks
        String definition = ecs.listTaskDefinitions(request -> request.familyPrefix("upgraded")).taskDefinitionArns().getFirst();
        BerthEnvironment.awaitStatus(ecs, CLUSTER, runTask(definition), "RUNNING", TIMEOUT);
    }

    private String runTask(String definition)
    {
        return ecs.runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .networkConfiguration(BerthEnvironment.awsvpc())).tasks().getFirst().taskArn();
    }

    private int runningContainerPid()
            throws Exception
    {
        Map<String, Optional<ContainerStatus>> containers = fleet.containers(0);
        assertThat(containers).hasSize(1);
        ContainerStatus status = containers.values().iterator().next().orElseThrow();
        assertThat(status).isInstanceOf(ContainerStatus.Running.class);
        return ((ContainerStatus.Running) status).pid();
    }

    private BerthProcess.Result berth(String... arguments)
            throws Exception
    {
        return BerthProcess.run(Optional.empty(), List.of(arguments), fleet.operatorEnvironment());
    }

    private JsonNode host()
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin("GET", "/berth/hosts/" + hostId, Map.of(), null);
        }
    }

    private JsonNode latestRun()
    {
        try (BerthClient client = fleet.signedClient()) {
            return client.admin("GET", "/berth/patches", Map.of("limit", "1"), null).path("runs").get(0);
        }
    }
}
