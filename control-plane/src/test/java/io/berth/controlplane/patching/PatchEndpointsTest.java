package io.berth.controlplane.patching;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The operator's patch endpoints: tenants are refused, a request's mistakes are the ECS error shape naming the field. */
class PatchEndpointsTest
{
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey tenant;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        operator = controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("tenant");
        controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-a", "10.0.0.1", 2048, 4096, Map.of(), 9400), List.of()));
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void onlyTheOperatorPatchesOrSeesPatches()
    {
        for (AdminEndpoint endpoint : controlPlane.adminEndpoints()) {
            if (endpoint.pathPattern().startsWith("/berth/patches") || endpoint.pathPattern().startsWith("/berth/upgrades")) {
                EcsException denied = catchThrowableOfType(EcsException.class, () -> endpoint.handle(context(tenant), Map.of("runId", "x"), Map.of(),
                        EcsClient.parse("{\"hosts\": [\"host-a\"], \"command\": \"touch /tmp/owned\"}")));
                assertThat(denied.type()).as(endpoint.method() + " " + endpoint.pathPattern()).isEqualTo("AccessDeniedException");
            }
        }
        assertThat(call(operator, "GET", "/berth/patches", Map.of(), "{}").get("runs")).isEmpty();
    }

    @Test
    void startsARunAndShowsIt()
    {
        JsonNode run = call(operator, "POST", "/berth/patches", Map.of(), "{\"hosts\": [\"host-a\"], \"command\": \"apt-get -y upgrade\", \"maxUnavailable\": 1, "
                + "\"reboot\": true, \"timeoutSeconds\": 900, \"drainDeadlineSeconds\": 60}");
        assertThat(run.get("status").asText()).isEqualTo("RUNNING");
        assertThat(run.get("reboot").asBoolean()).isTrue();
        assertThat(run.get("timeoutSeconds").asLong()).isEqualTo(900);
        assertThat(run.get("hosts").get(0).get("step").asText()).isEqualTo("PENDING");
        assertThat(call(operator, "GET", "/berth/patches/{runId}", Map.of("runId", run.get("runId").asText()), "{}")).isEqualTo(run);
        assertThat(call(operator, "GET", "/berth/patches", Map.of(), "{}").get("runs").get(0)).isEqualTo(run);
    }

    @Test
    void mistakesAreClientErrorsThatNameTheField()
    {
        assertThat(error("{\"hosts\": [\"host-a\"]}").getMessage()).isEqualTo("command is required: the command to run on each host.");
        assertThat(error("{\"hosts\": [\"host-a\"], \"command\": \"true\", \"parallel\": true}").getMessage())
                .isEqualTo("The patch request's field 'parallel' is not supported by Berth yet; leave it out.");
        assertThat(error("{\"hosts\": [\"host-a\"], \"command\": \"true\", \"timeoutSeconds\": 0}").getMessage()).isEqualTo("timeoutSeconds must be 1 to 86400, got 0.");
        assertThat(error("{\"hosts\": [\"host-a\"], \"command\": \"true\", \"maxUnavailable\": 0}").getMessage()).isEqualTo("maxUnavailable must be 1 or more, got 0.");
        assertThat(error("{\"all\": true, \"hosts\": [\"host-a\"], \"command\": \"true\"}").getMessage())
                .isEqualTo("Name the hosts to patch, or all of them (all), not both and not neither.");
        EcsException unknown = catchThrowableOfType(EcsException.class, () -> call(operator, "GET", "/berth/patches/{runId}", Map.of("runId", "patch-x"), "{}"));
        assertThat(unknown.getMessage()).startsWith("No patch run patch-x");
    }

    @Test
    void startsAnUpgradeOfTheAgentsAndRefusesItsMistakes()
    {
        String sha256 = "ab".repeat(32);
        JsonNode run = call(operator, "POST", "/berth/upgrades", Map.of(), "{\"hosts\": [\"host-a\"], \"build\": \"https://builds.example/berth.tar.gz\", "
                + "\"sha256\": \"" + sha256 + "\", \"timeoutSeconds\": 120}");
        assertThat(run.get("status").asText()).isEqualTo("RUNNING");
        assertThat(run.get("upgrade").get("build").asText()).isEqualTo("https://builds.example/berth.tar.gz");
        assertThat(run.get("upgrade").get("sha256").asText()).isEqualTo(sha256);
        assertThat(run.get("command").asText()).isEqualTo("upgrade the agent to https://builds.example/berth.tar.gz (sha256 " + sha256 + ")");
        assertThat(run.get("timeoutSeconds").asLong()).isEqualTo(120);

        assertThat(upgradeError("{\"hosts\": [\"host-a\"], \"build\": \"/b.tar\"}").getMessage()).startsWith("build and sha256 are required");
        assertThat(upgradeError("{\"hosts\": [\"host-a\"], \"build\": \"/b.tar\", \"sha256\": \"abc\"}").getMessage())
                .isEqualTo("sha256 must be 64 lowercase hex digits (as sha256sum prints them), got 'abc'.");
        assertThat(upgradeError("{\"hosts\": [\"host-a\"], \"build\": \"/b.tar\", \"sha256\": \"" + sha256 + "\", \"command\": \"true\"}").getMessage())
                .isEqualTo("The upgrade request's field 'command' is not supported by Berth yet; leave it out.");
        assertThat(upgradeError("{\"hosts\": [\"host-b\"], \"build\": \"/b.tar\", \"sha256\": \"" + sha256 + "\"}").getMessage()).startsWith("No host host-b");
    }

    private EcsException upgradeError(String body)
    {
        EcsException error = catchThrowableOfType(EcsException.class, () -> call(operator, "POST", "/berth/upgrades", Map.of(), body));
        assertThat(error.type()).isIn("ClientException", "InvalidParameterException");
        return error;
    }

    private EcsException error(String body)
    {
        EcsException error = catchThrowableOfType(EcsException.class, () -> call(operator, "POST", "/berth/patches", Map.of(), body));
        assertThat(error.type()).isIn("ClientException", "InvalidParameterException");
        return error;
    }

    private JsonNode call(AccessKey key, String method, String path, Map<String, String> pathParameters, String body)
    {
        AdminEndpoint endpoint = controlPlane.adminEndpoints().stream()
                .filter(candidate -> candidate.method().equals(method) && candidate.pathPattern().equals(path))
                .findFirst()
                .orElseThrow();
        return endpoint.handle(context(key), pathParameters, Map.of(), EcsClient.parse(body));
    }

    private static RequestContext context(AccessKey key)
    {
        return new RequestContext(key.account(), "us-east-1", "request");
    }
}
