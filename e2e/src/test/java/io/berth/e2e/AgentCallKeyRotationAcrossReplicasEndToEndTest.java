package io.berth.e2e;

import io.berth.controlplane.agents.access.AgentCallKeyRing;
import io.berth.testing.BerthProcess;
import io.berth.testing.ReplicaDirectories;
import io.berth.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `berth host rotate-call-key` with two `berth server` replicas on one PostgreSQL store, each with a copy of the first's
 * DIR/tls (as the README has operators start replicas): the key is rotated through the first; the second goes on
 * signing with the old key, which the agent takes for the grace; the operator copies the rotated key files to it
 * within the grace (as the README says), and it reads them again and signs with the new key. Once the grace is over
 * the agent refuses the old key, and the task's log, which each replica reads from the agent, is still read through
 * either of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentCallKeyRotationAcrossReplicasEndToEndTest
{
    private static final String LINE = "hello from either replica";

    private TestPostgres postgres;
    private TestFleet fleet;

    @BeforeAll
    void startReplicas()
            throws Exception
    {
        postgres = TestPostgres.create();
        fleet = TestFleet.startOnPostgres(1, 2, postgres, options -> options, "--no-registry", "--tls", "on");
    }

    @AfterAll
    void stopReplicas()
            throws Exception
    {
        TestFleet.closeReplicas(fleet, postgres);
    }

    @Test
    void aKeyRotatedThroughOneReplicaIsTheOneTheOtherSignsWithOnceTheOldKeysGraceIsOver()
            throws Exception
    {
        String hostId = fleet.hostId(0);
        Path tls = fleet.serverDirectory().resolve("tls");
        AgentCallKeyRing before = AgentCallKeyRing.load(tls);
        String taskArn;
        try (EcsClient ecs = fleet.operatorClient(0)) {
            String definition = ecs.registerTaskDefinition(request -> request.family("rotation-sleeper").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                    .containerDefinitions(ContainerDefinition.builder().name("main").image(fleet.image())
                            .command("sh", "-c", "echo " + LINE + "; trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build()))
                    .taskDefinition().taskDefinitionArn();
            taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(TestFleet.CLUSTER).taskDefinition(definition))
                    .tasks().getFirst().taskArn();
            BerthEnvironment.awaitStatus(ecs, TestFleet.CLUSTER, taskArn, "RUNNING", Duration.ofSeconds(90));
        }
        // each replica reads the task's log from the agent, with its calls signed by the first key
        assertThat(logThrough(0, taskArn)).contains(LINE);
        assertThat(logThrough(1, taskArn)).contains(LINE);

        // the operator's environment names the first replica: the rotation is made there
        BerthProcess.Result rotate = BerthProcess.run(Optional.empty(), List.of("host", "rotate-call-key", "--grace", "15s"), fleet.operatorEnvironment());
        assertThat(rotate.exitCode()).as(rotate.toString()).isZero();
        AgentCallKeyRing after = AgentCallKeyRing.load(tls);
        assertThat(after.current().publicKeyText()).isNotEqualTo(before.current().publicKeyText());
        assertThat(after.previous().key()).isEqualTo(before.current().publicKeyText());
        Path agentKey = fleet.agentDirectory(0).resolve("control-plane-key");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.readString(agentKey).strip(), after.current().publicKeyText()::equals);

        // within the grace the second replica, still signing with the old key, is served; then the operator copies the
        // rotated key files to it, which it reads again within a second (its log says so at INFO)
        assertThat(logThrough(1, taskArn)).contains(LINE);
        assertThat(Instant.now()).as("still within the grace").isBefore(after.previous().validUntil());
        ReplicaDirectories.shareTls(fleet.serverDirectory(), fleet.serverDirectory(1));

        // past the grace the agent takes the new key alone
        URI logs = fleet.agentEndpoint(hostId).resolve("/v1/tasks/" + taskArn.substring(taskArn.lastIndexOf('/') + 1) + "/logs?max=5");
        HttpResponse<String> oldKey = await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(250))
                .until(() -> fleet.callAgent(logs, TestFleet.signedAgentCall(before, hostId, logs)), response -> response.statusCode() != 200);
        assertThat(oldKey.statusCode()).as(oldKey.body()).isEqualTo(401);
        assertThat(Instant.now()).isAfterOrEqualTo(after.previous().validUntil());

        // and both replicas still read the log: the second signs with the key rotated through the first
        assertThat(logThrough(1, taskArn)).contains(LINE);
        assertThat(logThrough(0, taskArn)).contains(LINE);
    }

    private List<String> logThrough(int replica, String taskArn)
    {
        try (var client = fleet.signedClient(replica)) {
            return TestFleet.awaitLogLine(client, TestFleet.CLUSTER, taskArn, LINE);
        }
    }
}
