package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.hosts.HostService;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's network endpoints: DELETE /berth/hosts/{hostId} and PUT /berth/accounts/{accountId}/egress. */
class NetworkAdminEndpointsTest
{
    private static final HostInfo HOST = new HostInfo("host-1", "192.0.2.11", 2048, 4096, Map.of());

    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey tenant;
    private AdminClient admin;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(new ManualClock()));
        operator = controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("tenant");
        admin = new AdminClient(controlPlane);
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void hostListShowsEachHostsSlice()
    {
        sync();
        JsonNode hosts = admin.call(operator, "GET", "/berth/hosts", Map.of(), Map.of(), "{}").get("hosts");
        assertThat(hosts.get(0).get("taskSubnet").asText()).isEqualTo("10.213.0.0/24");
    }

    @Test
    void removingAnIdleHostFreesItsSliceAndCredential()
    {
        controlPlane.hostAccess().issueCredential("host-1");
        sync();
        JsonNode removed = admin.call(operator, "DELETE", "/berth/hosts/{hostId}", Map.of("hostId", "host-1"), Map.of(), "{}");
        assertThat(removed.get("hostId").asText()).isEqualTo("host-1");
        assertThat(removed.get("taskSubnet").asText()).isEqualTo("10.213.0.0/24");
        assertThat(removed.get("stoppedTasks").asInt()).isZero();
        assertThat(controlPlane.hostAccess().secretHash("host-1")).isEmpty();
        assertThat(admin.call(operator, "GET", "/berth/hosts", Map.of(), Map.of(), "{}").get("hosts")).isEmpty();

        EcsException again = admin.fails(operator, "DELETE", "/berth/hosts/{hostId}", Map.of("hostId", "host-1"), Map.of(), "{}");
        assertThat(again.type()).isEqualTo("ResourceNotFoundException");
        assertThat(again.getMessage()).contains("No host host-1");
    }

    @Test
    void aHostWithTasksIsRemovedOnlyByForce()
    {
        sync();
        EcsClient ecs = new EcsClient(controlPlane, tenant);
        ecs.call("RegisterTaskDefinition", "{\"family\": \"job\", \"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"main\", \"image\": \"busybox\"}]}");
        String arn = ecs.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"job\"}").get("tasks").get(0).get("taskArn").asText();
        sync();

        EcsException refused = admin.fails(operator, "DELETE", "/berth/hosts/{hostId}", Map.of("hostId", "host-1"), Map.of(), "{}");
        assertThat(refused.type()).isEqualTo("ClientException");
        assertThat(refused.getMessage()).contains("still holds 1 task that is not STOPPED").contains("--force");
        assertThat(admin.fails(operator, "DELETE", "/berth/hosts/{hostId}", Map.of("hostId", "host-1"), Map.of("force", "maybe"), "{}").type())
                .isEqualTo("InvalidParameterException");

        JsonNode removed = admin.call(operator, "DELETE", "/berth/hosts/{hostId}", Map.of("hostId", "host-1"), Map.of("force", "true"), "{}");
        assertThat(removed.get("stoppedTasks").asInt()).isEqualTo(1);
        JsonNode task = ecs.call("DescribeTasks", "{\"tasks\": [\"" + arn + "\"]}").get("tasks").get(0);
        assertThat(task.get("lastStatus").asText()).isEqualTo("STOPPED");
        assertThat(task.get("stoppedReason").asText()).isEqualTo(HostService.removalReason("host-1"));
    }

    @Test
    void operatorSetsAnAccountsEgress()
    {
        String accountId = tenant.account().accountId();
        JsonNode denied = admin.call(operator, "PUT", "/berth/accounts/{accountId}/egress", Map.of("accountId", accountId), Map.of(), "{\"denyAll\": true}");
        assertThat(denied.get("egress").get("denyAll").asBoolean()).isTrue();
        assertThat(restricted()).containsEntry(accountId, EgressPolicy.denyAll());

        JsonNode allowed = admin.call(operator, "PUT", "/berth/accounts/{accountId}/egress", Map.of("accountId", accountId), Map.of(),
                "{\"allow\": [\"192.0.2.0/24\", \"198.51.100.7/32\"]}");
        assertThat(allowed.get("egress").get("allow")).extracting(JsonNode::asText).containsExactly("192.0.2.0/24", "198.51.100.7/32");
        assertThat(restricted().get(accountId).allowedCidrs()).containsExactly("192.0.2.0/24", "198.51.100.7/32");

        admin.call(operator, "PUT", "/berth/accounts/{accountId}/egress", Map.of("accountId", accountId), Map.of(), "{\"allowAll\": true}");
        assertThat(restricted()).doesNotContainKey(accountId);
    }

    @Test
    void egressRequestsAreChecked()
    {
        String accountId = tenant.account().accountId();
        Map<String, String> path = Map.of("accountId", accountId);
        assertThat(admin.fails(tenant, "PUT", "/berth/accounts/{accountId}/egress", path, Map.of(), "{\"allowAll\": true}").type()).isEqualTo("AccessDeniedException");
        assertThat(admin.fails(operator, "PUT", "/berth/accounts/{accountId}/egress", Map.of("accountId", "999999999999"), Map.of(), "{\"denyAll\": true}").type())
                .isEqualTo("ResourceNotFoundException");

        EcsException notIpv4 = admin.fails(operator, "PUT", "/berth/accounts/{accountId}/egress", path, Map.of(), "{\"allow\": [\"fd00::/8\"]}");
        assertThat(notIpv4.type()).isEqualTo("InvalidParameterException");
        assertThat(notIpv4.getMessage()).contains("'fd00::/8' is not an IPv4 CIDR");
        assertThat(admin.fails(operator, "PUT", "/berth/accounts/{accountId}/egress", path, Map.of(), "{\"allow\": [\"10.0.0.1/8\"]}").getMessage())
                .contains("has host bits set");
        assertThat(admin.fails(operator, "PUT", "/berth/accounts/{accountId}/egress", path, Map.of(), "{}").getMessage()).contains("exactly one of");
        assertThat(admin.fails(operator, "PUT", "/berth/accounts/{accountId}/egress", path, Map.of(), "{\"denyAll\": true, \"allowAll\": true}").getMessage())
                .contains("exactly one of");
        assertThat(admin.fails(operator, "PUT", "/berth/accounts/{accountId}/egress", path, Map.of(), "{\"allow\": []}").getMessage()).contains("denyAll");
        assertThat(restricted()).isEmpty();
    }

    /** The accounts with a restricted egress, as a host's plan shows them. */
    private Map<String, EgressPolicy> restricted()
    {
        return sync().network().egress();
    }

    private SyncResponse sync()
    {
        return controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
    }
}
