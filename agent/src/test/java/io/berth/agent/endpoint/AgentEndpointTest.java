package io.berth.agent.endpoint;

import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.hostauth.HostRequestSignature;
import io.berth.common.hostauth.HostSecrets;
import io.berth.common.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's log endpoint over real HTTP: served to signed callers only. */
class AgentEndpointTest
{
    private static final String HOST_ID = "host-test";

    private final String secretHash = HostSecrets.hash("the-host-secret");
    private final List<String> reads = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private AgentEndpoint endpoint;

    @BeforeEach
    void start()
            throws Exception
    {
        endpoint = new AgentEndpoint(new InetSocketAddress("127.0.0.1", 0), HOST_ID, secretHash, (taskId, token, maxLines) -> {
            reads.add(taskId + " " + token + " " + maxLines);
            return taskId.equals("t1")
                    ? Optional.of(new LogChunk(List.of(new LogLine(Instant.parse("2025-01-01T00:00:00Z"), "main", "stdout", "hi")), "main=3", false))
                    : Optional.empty();
        }, Clock.systemUTC());
        endpoint.start();
    }

    @AfterEach
    void stop()
    {
        endpoint.close();
    }

    @Test
    void servesLogsToRequestsSignedWithTheHostsCredential()
            throws Exception
    {
        HttpResponse<String> response = get("/v1/tasks/t1/logs", "max=5&token=main%3D0", secretHash);
        assertThat(response.statusCode()).isEqualTo(200);
        LogChunk chunk = Json.mapper().readValue(response.body(), LogChunk.class);
        assertThat(chunk.lines()).extracting(LogLine::text).containsExactly("hi");
        assertThat(chunk.nextToken()).isEqualTo("main=3");
        assertThat(reads).containsExactly("t1 main=0 5");

        assertThat(get("/v1/tasks/unknown/logs", "max=5", secretHash).statusCode()).isEqualTo(404);
    }

    @Test
    void refusesUnsignedOrWronglySignedRequests()
            throws Exception
    {
        assertThat(get("/v1/tasks/t1/logs", "max=5", null).statusCode()).isEqualTo(401);
        assertThat(get("/v1/tasks/t1/logs", "max=5", HostSecrets.hash("another-secret")).statusCode()).isEqualTo(401);
        assertThat(reads).isEmpty();
    }

    private HttpResponse<String> get(String rawPath, String rawQuery, String signingHash)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + rawPath + "?" + rawQuery));
        if (signingHash != null) {
            request.header("Authorization", HostRequestSignature.sign(HOST_ID, signingHash, "GET", rawPath, rawQuery, Instant.now()));
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
