package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static io.berth.e2e.BerthEnvironment.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's host lifecycle on a real all-in-one Berth: cordon (a task waits in PROVISIONING, then stops with
 * the reason), uncordon (the waiting task runs), and drain (the running task stops at the deadline with the drain
 * reason, and the host stays cordoned). The admin calls go over HTTP, signed, as `berth host` makes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostLifecycleEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PLACEMENT_TIMEOUT = Duration.ofSeconds(4);

    private BerthEnvironment environment;
    private EcsClient ecs;
    private BerthClient admin;
    private String hostId;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-hosts"), config -> config.withPlacementTimeout(PLACEMENT_TIMEOUT));
        ecs = environment.operatorClient();
        admin = new BerthClient(new BerthClientConfig(environment.berth().endpoint(),
                new SigV4Credentials(environment.berth().operatorKey().accessKeyId(), environment.berth().operatorKey().secretAccessKey()), "us-east-1"),
                Clock.systemUTC());
        JsonNode hosts = await().atMost(TIMEOUT).until(() -> admin.admin("GET", "/berth/hosts", Map.of(), null).get("hosts"), list -> list.size() == 1);
        hostId = hosts.get(0).get("hostId").asText();
        environment.registerSleeper(ecs);
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        if (admin != null) {
            admin.close();
        }
        if (ecs != null) {
            ecs.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void cordonUncordonAndDrain()
    {
        assertThat(hostCall("cordon", null).get("state").asText()).isEqualTo("CORDONED");

        String timesOut = runTask();
        assertThat(describe(ecs, "default", timesOut).lastStatus()).isEqualTo("PROVISIONING");
        JsonNode placement = admin.admin("GET", "/berth/tasks/" + BerthClient.pathSegment(timesOut) + "/placement", Map.of(), null);
        assertThat(placement.get("latestFailure").get("reason").asText()).isEqualTo("CORDONED");
        Task stopped = awaitStatus(ecs, "default", timesOut, "STOPPED", TIMEOUT);
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason()).isEqualTo("Unable to place task: CORDONED (no ACTIVE host can take it; 1 host: 1 CORDONED)");

        String waits = runTask();
        assertThat(describe(ecs, "default", waits).lastStatus()).isEqualTo("PROVISIONING");
        assertThat(hostCall("uncordon", null).get("state").asText()).isEqualTo("ACTIVE");
        awaitStatus(ecs, "default", waits, "RUNNING", TIMEOUT);

        JsonNode draining = hostCall("drain", Json.mapper().createObjectNode().put("deadlineSeconds", 1));
        assertThat(draining.get("state").asText()).isEqualTo("DRAINING");
        Task drained = awaitStatus(ecs, "default", waits, "STOPPED", TIMEOUT);
        assertThat(drained.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(drained.stoppedReason()).isEqualTo("Host " + hostId + " was drained for maintenance");
        JsonNode host = await().atMost(TIMEOUT).until(() -> admin.admin("GET", "/berth/hosts/" + hostId, Map.of(), null),
                candidate -> candidate.get("state").asText().equals("CORDONED"));
        assertThat(host.get("runningTasks").asInt()).isZero();

        hostCall("uncordon", null);
    }

    private String runTask()
    {
        return ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).taskDefinition("sleeper")).tasks().get(0).taskArn();
    }

    private JsonNode hostCall(String action, JsonNode body)
    {
        return admin.admin("POST", "/berth/hosts/" + BerthClient.pathSegment(hostId) + "/" + action, Map.of(), body == null ? Json.mapper().createObjectNode() : body);
    }
}
