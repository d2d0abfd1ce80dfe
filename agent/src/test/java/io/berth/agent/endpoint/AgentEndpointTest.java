package io.berth.agent.endpoint;

import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.AgentCallSignature;
import io.berth.common.hostauth.AgentCallVerifier;
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
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's log endpoint over real HTTP: served to calls the control plane's key signed only. */
class AgentEndpointTest
{
    private static final String HOST_ID = "host-test";

    private final String secretHash = HostSecrets.hash("the-host-secret");
    private final KeyPair controlPlane = AgentCallKeys.newKeyPair();
    private final List<String> reads = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private AgentEndpoint endpoint;

    @BeforeEach
    void start()
            throws Exception
    {
        endpoint = new AgentEndpoint(new InetSocketAddress("127.0.0.1", 0), HOST_ID, new AgentCallVerifier(HOST_ID, () -> List.of(controlPlane.getPublic()), Clock.systemUTC()),
                new TaskLogSource()
                {
                    @Override
                    public Optional<LogChunk> read(String taskId, String token, int maxLines)
                    {
                        throw new AssertionError("the endpoint reads with a wait");
                    }

                    @Override
                    public Optional<LogChunk> read(String taskId, String token, int maxLines, Duration wait)
                    {
                        reads.add(taskId + " " + token + " " + maxLines + " " + wait.toMillis());
                        return taskId.equals("t1")
                                ? Optional.of(new LogChunk(List.of(new LogLine(Instant.parse("2025-01-01T00:00:00Z"), "main", "stdout", "hi")), "main=3", false))
                                : Optional.empty();
                    }
                });
        endpoint.start();
    }

    @AfterEach
    void stop()
    {
        endpoint.close();
    }

    @Test
    void servesLogsToCallsSignedByTheControlPlanesKey()
            throws Exception
    {
        HttpResponse<String> response = get("/v1/tasks/t1/logs", "max=5&token=main%3D0", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5&token=main%3D0"));
        assertThat(response.statusCode()).isEqualTo(200);
        LogChunk chunk = Json.mapper().readValue(response.body(), LogChunk.class);
        assertThat(chunk.lines()).extracting(LogLine::text).containsExactly("hi");
        assertThat(chunk.nextToken()).isEqualTo("main=3");
        assertThat(reads).containsExactly("t1 main=0 5 0");

        assertThat(get("/v1/tasks/unknown/logs", "max=5", signed(controlPlane.getPrivate(), "/v1/tasks/unknown/logs", "max=5")).statusCode()).isEqualTo(404);
    }

    @Test
    void holdsAReadAsLongAsAskedUpToItsLimitAndRefusesAWaitItCannotHonour()
            throws Exception
    {
        assertThat(get("/v1/tasks/t1/logs", "max=5&wait=1500", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5&wait=1500")).statusCode()).isEqualTo(200);
        assertThat(reads).containsExactly("t1 null 5 1500");

        for (String wait : List.of("-1", "soon", Long.toString(AgentEndpoint.MAX_LOG_WAIT.toMillis() + 1))) {
            String query = "max=5&wait=" + wait;
            HttpResponse<String> refused = get("/v1/tasks/t1/logs", query, signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", query));
            assertThat(refused.statusCode()).as(wait).isEqualTo(400);
            assertThat(refused.body()).contains("wait must be a number of milliseconds from 0 to 5000");
        }
        assertThat(reads).hasSize(1);
    }

    @Test
    void refusesACallReplayed()
            throws Exception
    {
        String authorization = signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5");
        assertThat(get("/v1/tasks/t1/logs", "max=5", authorization).statusCode()).isEqualTo(200);

        HttpResponse<String> replayed = get("/v1/tasks/t1/logs", "max=5", authorization);
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.body()).contains("replayed");
        assertThat(reads).hasSize(1);
    }

    @Test
    void refusesACallSignedWithTheStoredHashOfTheHostsSecret()
            throws Exception
    {
        // what the control plane sent before it had a key of its own: whoever read the store could make it
        long time = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secretHash.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String hmac = HexFormat.of().formatHex(mac.doFinal(("GET\n/v1/tasks/t1/logs\nmax=5\n" + time).getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> forged = get("/v1/tasks/t1/logs", "max=5", "Berth-HMAC-SHA256 host=" + HOST_ID + ", time=" + time + ", signature=" + hmac);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("only the control plane may call this agent");
        assertThat(reads).isEmpty();
    }

    @Test
    void refusesUnsignedOrWronglySignedRequests()
            throws Exception
    {
        assertThat(get("/v1/tasks/t1/logs", "max=5", null).statusCode()).isEqualTo(401);
        assertThat(get("/v1/tasks/t1/logs", "max=5", signed(AgentCallKeys.newKeyPair().getPrivate(), "/v1/tasks/t1/logs", "max=5")).statusCode()).isEqualTo(401);
        assertThat(get("/v1/tasks/t1/logs", "max=6", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5")).statusCode()).isEqualTo(401);
        assertThat(reads).isEmpty();
    }

    @Test
    void takesCallsInItsProtocolVersionAndThePreviousOneAndRefusesOthersSayingSo()
            throws Exception
    {
        assertThat(get("/v1/tasks/t1/logs", "max=5", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5"), null).statusCode())
                .as("a control plane from before versions").isEqualTo(200);
        assertThat(get("/v1/tasks/t1/logs", "max=5", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5"), Integer.toString(AgentProtocolVersion.CURRENT)).statusCode())
                .isEqualTo(200);
        assertThat(get("/v1/tasks/t1/logs", "max=5", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5"), Integer.toString(AgentProtocolVersion.CURRENT - 1)).statusCode())
                .isEqualTo(200);

        HttpResponse<String> newer = get("/v1/tasks/t1/logs", "max=5", signed(controlPlane.getPrivate(), "/v1/tasks/t1/logs", "max=5"), Integer.toString(AgentProtocolVersion.CURRENT + 1));
        assertThat(newer.statusCode()).isEqualTo(426);
        assertThat(newer.body()).contains("agent protocol " + (AgentProtocolVersion.CURRENT + 1));
        assertThat(reads).hasSize(3);
    }

    private static String signed(PrivateKey key, String rawPath, String rawQuery)
    {
        return AgentCallSignature.sign(key, HOST_ID, "GET", rawPath, rawQuery, null, Instant.now());
    }

    private HttpResponse<String> get(String rawPath, String rawQuery, String authorization)
            throws Exception
    {
        return get(rawPath, rawQuery, authorization, Integer.toString(AgentProtocolVersion.CURRENT));
    }

    private HttpResponse<String> get(String rawPath, String rawQuery, String authorization, String protocolVersion)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + rawPath + "?" + rawQuery));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (protocolVersion != null) {
            request.header(AgentProtocolVersion.HEADER, protocolVersion);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
