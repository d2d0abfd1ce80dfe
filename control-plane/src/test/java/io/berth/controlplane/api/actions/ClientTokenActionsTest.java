package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.idempotency.ClientTokens;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RunTask's and CreateService's clientToken as ECS honours it: the same token with the same request (fields in any
 * order) answers what the first call made and makes nothing new; the same token with another request is refused
 * (RunTask: ConflictException with the first tasks' ARNs); tokens are per account and cluster, and last 24 hours.
 */
class ClientTokenActionsTest
{
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private ControlPlane controlPlane;
    private EcsClient client;
    private EcsClient other;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")).withClock(clock));
        client = new EcsClient(controlPlane, controlPlane.accounts().createAccount("tokens"));
        other = new EcsClient(controlPlane, controlPlane.accounts().createAccount("others"));
        controlPlane.agentGateway().sync(new SyncRequest(new HostInfo("host-1", "127.0.0.1", 4096, 8192, Map.of()), List.of()));
        for (EcsClient each : List.of(client, other)) {
            each.call("RegisterTaskDefinition", """
                    {"family": "web", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "a", "image": "i"}]}""");
        }
    }

    @AfterEach
    void stop()
    {
        controlPlane.close();
    }

    @Test
    void theSameTokenAndRequestAnswersTheSameTasksAndStartsNoMore()
    {
        JsonNode first = client.call("RunTask", run("\"count\": 2, \"clientToken\": \"token-1\""));
        // the same request with its fields in another order is the same request
        JsonNode again = client.call("RunTask", "{\"clientToken\": \"token-1\", \"count\": 2, \"taskDefinition\": \"web\", "
                + "\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}}");

        assertThat(arns(again)).containsExactlyElementsOf(arns(first)).hasSize(2);
        assertThat(client.call("ListTasks", "{}").get("taskArns")).hasSize(2);
        // without a token, or with another one, every call starts tasks
        client.call("RunTask", run(""));
        client.call("RunTask", run("\"clientToken\": \"token-2\""));
        assertThat(client.call("ListTasks", "{}").get("taskArns")).hasSize(4);
    }

    @Test
    void theSameTokenWithAnotherRequestIsAConflictNamingTheFirstTasks()
    {
        List<String> first = arns(client.call("RunTask", run("\"clientToken\": \"token-1\"")));

        EcsException conflict = client.fails("RunTask", run("\"clientToken\": \"token-1\", \"startedBy\": \"someone-else\""));

        assertThat(conflict.type()).isEqualTo("ConflictException");
        assertThat(conflict.getMessage()).contains("clientToken", "token-1");
        assertThat(conflict.resourceIds()).containsExactlyElementsOf(first);
        assertThat(client.call("ListTasks", "{}").get("taskArns")).hasSize(1);
    }

    @Test
    void tokensArePerAccountAndClusterAndLastADay()
    {
        List<String> first = arns(client.call("RunTask", run("\"clientToken\": \"shared\"")));
        List<String> others = arns(other.call("RunTask", run("\"clientToken\": \"shared\"")));
        client.call("CreateCluster", "{\"clusterName\": \"second\"}");
        List<String> inSecond = arns(client.call("RunTask", run("\"clientToken\": \"shared\", \"cluster\": \"second\"")));

        assertThat(others).doesNotContainAnyElementsOf(first);
        assertThat(inSecond).doesNotContainAnyElementsOf(first);

        clock.advance(ClientTokens.WINDOW.plusSeconds(1));
        assertThat(arns(client.call("RunTask", run("\"clientToken\": \"shared\"")))).doesNotContainAnyElementsOf(first);
    }

    @Test
    void aTokenEcsWouldRefuseIsRefused()
    {
        assertThat(client.fails("RunTask", run("\"clientToken\": \"" + "x".repeat(65) + "\"")).getMessage()).contains("clientToken", "64");
        assertThat(client.fails("RunTask", run("\"clientToken\": \"has space\"")).type()).isEqualTo("InvalidParameterException");
        assertThat(client.fails("CreateService", service("web-service", 1, "x".repeat(37))).getMessage()).contains("clientToken", "36");
        assertThat(client.call("ListTasks", "{}").get("taskArns")).isEmpty();
    }

    @Test
    void createServiceRepeatedWithItsTokenAnswersTheServiceAndAnotherRequestIsNotIdempotent()
    {
        JsonNode created = client.call("CreateService", service("web-service", 1, "svc-token")).get("service");
        JsonNode again = client.call("CreateService", service("web-service", 1, "svc-token")).get("service");

        assertThat(again.get("serviceArn").asText()).isEqualTo(created.get("serviceArn").asText());
        EcsException changed = client.fails("CreateService", service("web-service", 2, "svc-token"));
        assertThat(changed.type()).isEqualTo("InvalidParameterException");
        assertThat(changed.getMessage()).contains("not idempotent", "svc-token");
        // without the token, a second CreateService of a live name is still ECS's error
        assertThat(client.fails("CreateService", service("web-service", 1, null)).getMessage()).contains("not idempotent");
    }

    private static String service(String name, int desiredCount, String token)
    {
        return "{\"serviceName\": \"" + name + "\", \"taskDefinition\": \"web\", \"desiredCount\": " + desiredCount
                + ", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}"
                + (token == null ? "" : ", \"clientToken\": \"" + token + "\"") + "}";
    }

    private static String run(String fields)
    {
        return "{\"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}, \"taskDefinition\": \"web\""
                + (fields.isEmpty() ? "" : ", " + fields) + "}";
    }

    private static List<String> arns(JsonNode response)
    {
        List<String> arns = new ArrayList<>();
        response.get("tasks").forEach(task -> arns.add(task.get("taskArn").asText()));
        return arns;
    }
}
