package io.berth.controlplane.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.metrics.MetricsPage;
import io.berth.common.metrics.MetricsToken;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.ServedControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.agents.http.AgentProtocolHandler;
import io.berth.testing.PrometheusText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * /metrics on the API port: only with the metrics token, in the Prometheus text format, with API requests labelled by
 * service, action and code whatever a caller sends, and no account or resource name in it.
 */
class ControlPlaneMetricsHttpTest
{
    @TempDir
    Path directory;

    private ServedControlPlane served;
    private MetricsToken token;
    private AccessKey tenant;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start()
            throws IOException
    {
        token = MetricsToken.loadOrCreate(directory.resolve(MetricsToken.FILE_NAME));
        served = ServedControlPlane.start(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")),
                (server, controlPlane) -> server.observe(controlPlane.metrics()).metrics(new MetricsPage(controlPlane.metrics().registry(), token))
                        .mount(AgentProtocolHandler.PREFIX, controlPlane.agentProtocol()));
        ControlPlane controlPlane = served.controlPlane();
        controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("tenant");
    }

    @AfterEach
    void stop()
    {
        served.close();
    }

    @Test
    void apiRequestsAreCountedByServiceActionAndCodeWithTheirLatency()
            throws Exception
    {
        try (EcsClient ecs = client()) {
            ecs.createCluster(request -> request.clusterName("secret-project-cluster"));
            ecs.listClusters();
            ecs.listClusters();
            EcsException missing = catchThrowableOfType(EcsException.class, () -> ecs.deleteCluster(request -> request.cluster("no-such-cluster")));
            assertThat(missing.statusCode()).isEqualTo(400);
        }

        // the lease, renewed as the server does every second: this, the only replica, leads
        served.controlPlane().keepLeadership();
        PrometheusText metrics = PrometheusText.parse(scrape(token.authorizationHeader()).body());
        assertThat(metrics.type("berth_api_requests_total")).hasValue("counter");
        assertThat(metrics.value("berth_api_requests_total", Map.of("service", "ecs", "action", "ListClusters", "code", "200", "error", ""))).hasValue(2);
        assertThat(metrics.value("berth_api_requests_total", Map.of("service", "ecs", "action", "CreateCluster", "code", "200", "error", ""))).hasValue(1);
        assertThat(metrics.value("berth_api_requests_total", Map.of("service", "ecs", "action", "DeleteCluster", "code", "400", "error", "ClusterNotFoundException")))
                .hasValue(1);
        assertThat(metrics.value("berth_api_request_duration_seconds_count", Map.of("service", "ecs", "action", "ListClusters"))).hasValue(2);
        assertThat(metrics.type("berth_api_request_duration_seconds")).hasValue("histogram");
        assertThat(metrics.value("berth_leader", Map.of())).hasValue(1);
        assertThat(metrics.value("berth_tasks", Map.of("last_status", "RUNNING"))).hasValue(0);
        assertThat(metrics.value("berth_hosts", Map.of("state", "ACTIVE"))).hasValue(0);

        String text = scrape(token.authorizationHeader()).body();
        assertThat(text).as("no tenant's names or ids").doesNotContain("secret-project-cluster", tenant.account().accountId(), "no-such-cluster");
    }

    @Test
    void anActionNoServiceHasIsLabelledUnknownNotByWhatTheCallerSent()
            throws Exception
    {
        HttpRequest unsigned = HttpRequest.newBuilder(served.server().endpoint())
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.MadeUpAction12345")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        assertThat(http.send(unsigned, HttpResponse.BodyHandlers.ofString()).statusCode()).isGreaterThanOrEqualTo(400);

        String text = scrape(token.authorizationHeader()).body();
        assertThat(text).doesNotContain("MadeUpAction12345");
        PrometheusText metrics = PrometheusText.parse(text);
        assertThat(metrics.sum("berth_api_requests_total", Map.of("service", "none", "action", "none"))).isEqualTo(1);
    }

    @Test
    void agentCallsAreCountedByOperationAndCodeNotByWhatTheCallerSent()
            throws Exception
    {
        String token = served.controlPlane().hostAccess().issueJoinToken(Optional.empty()).token();
        HttpResponse<String> joined = agentCall("join", "{\"token\": \"" + token + "\"}", null);
        assertThat(joined.statusCode()).isEqualTo(200);
        JsonNode credential = Json.mapper().readTree(joined.body());
        String authorization = new HostCredential(credential.path("hostId").asText(), credential.path("secret").asText()).authorizationHeader();
        String sync = Json.mapper().writeValueAsString(new SyncRequest(new HostInfo(credential.path("hostId").asText(), "127.0.0.1", 1024, 2048, Map.of()), List.of()));
        assertThat(agentCall("sync", sync, authorization).statusCode()).isEqualTo(200);
        assertThat(agentCall("network", null, authorization).statusCode()).isEqualTo(200);
        assertThat(agentCall("network", null, authorization).statusCode()).isEqualTo(200);
        assertThat(agentCall("network", null, null).statusCode()).isEqualTo(401);
        assertThat(agentCall("MadeUpOperation12345", null, authorization).statusCode()).isEqualTo(404);

        String text = scrape(this.token.authorizationHeader()).body();
        assertThat(text).doesNotContain("MadeUpOperation12345");
        PrometheusText metrics = PrometheusText.parse(text);
        assertThat(metrics.type("berth_agent_calls_total")).hasValue("counter");
        assertThat(metrics.value("berth_agent_calls_total", Map.of("operation", "join", "code", "200"))).hasValue(1);
        assertThat(metrics.value("berth_agent_calls_total", Map.of("operation", "sync", "code", "200"))).hasValue(1);
        assertThat(metrics.value("berth_agent_calls_total", Map.of("operation", "network", "code", "200"))).hasValue(2);
        assertThat(metrics.value("berth_agent_calls_total", Map.of("operation", "network", "code", "401"))).hasValue(1);
        assertThat(metrics.value("berth_agent_calls_total", Map.of("operation", "other", "code", "404"))).hasValue(1);
        // the plans answered alone, by how they went (the refused fetch answered none)
        assertThat(metrics.value("berth_agent_network_plans_total", Map.of("via", "fetch"))).hasValue(2);
    }

    /** POST with a body, GET without, to /berth/agent/v1/OPERATION. */
    private HttpResponse<String> agentCall(String operation, String body, String authorization)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(served.server().endpoint() + AgentProtocolHandler.PREFIX + operation)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theMetricsWantTheToken()
            throws Exception
    {
        HttpResponse<String> none = scrape(null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("metrics-token");
        assertThat(scrape("Bearer not-the-token").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = scrape(token.authorizationHeader());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(served.server().endpoint().resolve("/metrics/extra"))
                .header("Authorization", token.authorizationHeader()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> scrape(String authorization)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(served.server().endpoint() + "/metrics")).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private EcsClient client()
    {
        return EcsClient.builder()
                .endpointOverride(served.server().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(tenant.accessKeyId(), tenant.secretAccessKey())))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
