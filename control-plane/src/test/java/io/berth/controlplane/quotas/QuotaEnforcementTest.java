package io.berth.controlplane.quotas;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.EcsClient;
import io.berth.controlplane.api.admin.AdminClient;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Quotas through the control plane's RunTask and admin endpoint, with the real (SQLite) store. No host joins: tasks wait. */
class QuotaEnforcementTest
{
    private static final String LIMITS = "/berth/accounts/{accountId}/limits";

    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private AccessKey operator;
    private AccessKey tenantKey;
    private EcsClient tenant;
    private AdminClient admin;

    private void start(AccountLimits defaults)
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock).withDefaultLimits(defaults));
        operator = controlPlane.accounts().bootstrapOperator();
        tenantKey = controlPlane.accounts().createAccount("tenant");
        tenant = new EcsClient(controlPlane, tenantKey);
        admin = new AdminClient(controlPlane);
        tenant.call("RegisterTaskDefinition", """
                {"family": "small", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "main", "image": "busybox"}]}""");
    }

    @AfterEach
    void stop()
    {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void maxTasksRefusesARunTaskPastItAndCreatesNothing()
    {
        start(AccountLimits.UNLIMITED);
        setLimits("{\"maxTasks\": 3}");
        tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"count\": 2}");

        EcsException refused = tenant.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"count\": 2}");

        assertThat(refused.type()).isEqualTo("ClientException");
        assertThat(refused.getMessage()).startsWith("Quota exceeded: max-tasks is 3 for this account; it has 2 tasks not STOPPED and this request asks for 2 more.");
        assertThat(taskCount()).isEqualTo(2);
        tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        assertThat(taskCount()).isEqualTo(3);
    }

    @Test
    void maxVcpuCountsTheRequestedVcpuOfTasksNotStopped()
    {
        start(AccountLimits.UNLIMITED);
        setLimits("{\"maxVcpu\": 0.5}");
        String first = arn(tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"count\": 2}"));

        EcsException refused = tenant.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        assertThat(refused.type()).isEqualTo("ClientException");
        assertThat(refused.getMessage()).startsWith("Quota exceeded: max-vcpu is 0.5 vCPU for this account; its tasks not STOPPED use 0.5 vCPU and this request asks for 0.25 more.");

        tenant.call("StopTask", "{\"task\": \"" + first + "\"}");
        tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
    }

    @Test
    void maxWaitingCountsTasksInProvisioning()
    {
        start(AccountLimits.UNLIMITED);
        setLimits("{\"maxWaiting\": 1}");
        tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");

        EcsException refused = tenant.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        assertThat(refused.type()).isEqualTo("ClientException");
        assertThat(refused.getMessage()).startsWith("Quota exceeded: max-waiting is 1 for this account; it has 1 tasks waiting for a host (PROVISIONING)");
        assertThat(taskCount()).isEqualTo(1);
    }

    @Test
    void defaultsApplyUntilTheOperatorSetsTheAccountsOwn()
    {
        start(new AccountLimits(0L, 1L, 0L, 0.0));
        tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}");
        assertThat(tenant.fails("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\"}").getMessage()).startsWith("Quota exceeded: max-tasks is 1 ");

        JsonNode response = setLimits("{\"maxTasks\": 0, \"rate\": 50}");
        assertThat(response.get("maxTasks").asLong()).isZero();
        assertThat(response.get("rate").asDouble()).isEqualTo(50.0);
        assertThat(response.get("defaults")).extracting(JsonNode::asText).containsExactly("maxVcpu", "maxWaiting");
        tenant.call("RunTask", "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"small\", \"count\": 10}");
        assertThat(controlPlane.limits().requestsPerSecond(tenantKey.account().accountId())).isEqualTo(50.0);
    }

    @Test
    void fieldsLeftOutKeepTheirValue()
    {
        start(AccountLimits.UNLIMITED);
        setLimits("{\"maxTasks\": 5, \"maxVcpu\": 4}");
        JsonNode response = setLimits("{\"maxWaiting\": 2}");
        assertThat(response.get("maxTasks").asLong()).isEqualTo(5);
        assertThat(response.get("maxVcpu").asDouble()).isEqualTo(4.0);
        assertThat(response.get("maxWaiting").asLong()).isEqualTo(2);
    }

    @Test
    void onlyTheOperatorSetsQuotas()
    {
        start(AccountLimits.UNLIMITED);
        EcsException denied = admin.fails(tenantKey, "PUT", LIMITS, Map.of("accountId", tenantKey.account().accountId()), Map.of(), "{\"maxTasks\": 1000}");
        assertThat(denied.type()).isEqualTo("AccessDeniedException");
        assertThat(controlPlane.limits().configured(tenantKey.account().accountId())).isEqualTo(AccountLimits.NONE_SET);
    }

    @Test
    void validationErrorsNameTheField()
    {
        start(AccountLimits.UNLIMITED);
        assertThat(refusedLimits("{\"maxTasks\": -1}")).startsWith("maxTasks must be a whole number >= 0");
        assertThat(refusedLimits("{\"maxWaiting\": 1.5}")).startsWith("maxWaiting must be a whole number >= 0");
        assertThat(refusedLimits("{\"maxVcpu\": \"four\"}")).startsWith("maxVcpu must be a number of vCPU >= 0");
        assertThat(refusedLimits("{\"rate\": -2}")).startsWith("rate must be a number of requests per second >= 0");
        assertThat(refusedLimits("{\"maxTask\": 1}")).startsWith("Unknown field 'maxTask'");
        assertThat(refusedLimits("{}")).startsWith("Set at least one of");
        EcsException unknown = admin.fails(operator, "PUT", LIMITS, Map.of("accountId", "000000000001"), Map.of(), "{\"maxTasks\": 1}");
        assertThat(unknown.type()).isEqualTo("ResourceNotFoundException");
    }

    private JsonNode setLimits(String body)
    {
        return admin.call(operator, "PUT", LIMITS, Map.of("accountId", tenantKey.account().accountId()), Map.of(), body);
    }

    private String refusedLimits(String body)
    {
        EcsException error = admin.fails(operator, "PUT", LIMITS, Map.of("accountId", tenantKey.account().accountId()), Map.of(), body);
        assertThat(error.type()).isEqualTo("InvalidParameterException");
        return error.getMessage();
    }

    private int taskCount()
    {
        return tenant.call("ListTasks", "{}").get("taskArns").size();
    }

    private static String arn(JsonNode runTaskResponse)
    {
        return runTaskResponse.get("tasks").get(0).get("taskArn").asText();
    }
}
