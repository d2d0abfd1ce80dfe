package io.berth.agent.endpoint;

import io.berth.agent.patching.PatchCommands;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.AgentCallSignature;
import io.berth.common.hostauth.AgentCallVerifier;
import io.berth.common.json.Json;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The agent's patch endpoint over real HTTP: only the control plane's signed calls start a command, and only the command they signed. */
class AgentEndpointPatchTest
{
    private static final String HOST_ID = "host-test";

    @TempDir
    Path directory;

    private final KeyPair controlPlane = AgentCallKeys.newKeyPair();
    private final PrivateKey signingKey = controlPlane.getPrivate();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PatchCommands patches = new PatchCommands(HOST_ID);
    private AgentEndpoint endpoint;

    @BeforeEach
    void start()
            throws Exception
    {
        endpoint = new AgentEndpoint(new InetSocketAddress("127.0.0.1", 0), HOST_ID, new AgentCallVerifier(HOST_ID, () -> List.of(controlPlane.getPublic()), Clock.systemUTC()),
                (taskId, token, maxLines) -> Optional.empty(), null, patches, null);
        endpoint.start();
    }

    @AfterEach
    void stop()
    {
        endpoint.close();
    }

    @Test
    void aSignedCallStartsTheCommandAndReadsHowItWent()
            throws Exception
    {
        Path mark = directory.resolve("mark");
        byte[] body = Json.mapper().writeValueAsBytes(new PatchCommandRequest("touch " + mark + "; echo done", 10));
        HttpResponse<String> started = call("POST", "p1", "bodySha256=" + PatchCommandRequest.bodyDigest(body), body, signingKey);
        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readValue(started.body(), PatchCommandStatus.class).agentInstance()).isEqualTo(patches.agentInstance());

        PatchCommandStatus ended = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> Json.mapper().readValue(call("GET", "p1", null, null, signingKey).body(), PatchCommandStatus.class), status -> status.state().ended());
        assertThat(ended.state()).isEqualTo(PatchCommandStatus.State.SUCCEEDED);
        assertThat(ended.output()).isEqualTo("done\n");
        assertThat(mark).exists();
    }

    @Test
    void aCommandOtherThanTheSignedOneOrAnUnsignedCallIsRefused()
            throws Exception
    {
        Path mark = directory.resolve("mark");
        byte[] signed = Json.mapper().writeValueAsBytes(new PatchCommandRequest("echo harmless", 10));
        byte[] swapped = Json.mapper().writeValueAsBytes(new PatchCommandRequest("touch " + mark, 10));
        HttpResponse<String> tampered = call("POST", "p2", "bodySha256=" + PatchCommandRequest.bodyDigest(signed), swapped, signed, signingKey);
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(tampered.body()).contains("not signed by the control plane");
        HttpResponse<String> mislabelled = call("POST", "p2", "bodySha256=" + PatchCommandRequest.bodyDigest(signed), swapped, signingKey);
        assertThat(mislabelled.statusCode()).isEqualTo(401);
        assertThat(mislabelled.body()).contains("does not match the bodySha256");
        assertThat(call("POST", "p2", "bodySha256=" + PatchCommandRequest.bodyDigest(swapped), swapped, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "p2", "bodySha256=" + PatchCommandRequest.bodyDigest(swapped), swapped, AgentCallKeys.newKeyPair().getPrivate()).statusCode()).isEqualTo(401);
        assertThat(call("GET", "p2", null, null, null).statusCode()).isEqualTo(401);
        assertThat(patches.status("p2").state()).isEqualTo(PatchCommandStatus.State.UNKNOWN);
        Thread.sleep(200);
        assertThat(mark).doesNotExist();
    }

    private HttpResponse<String> call(String method, String patchId, String rawQuery, byte[] body, PrivateKey key)
            throws Exception
    {
        return call(method, patchId, rawQuery, body, body, key);
    }

    /** Sends body, signed as if it were signedBody. */
    private HttpResponse<String> call(String method, String patchId, String rawQuery, byte[] body, byte[] signedBody, PrivateKey key)
            throws Exception
    {
        String rawPath = "/v1/patches/" + patchId;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + rawPath + (rawQuery == null ? "" : "?" + rawQuery)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Authorization", AgentCallSignature.sign(key, HOST_ID, method, rawPath, rawQuery, signedBody, Instant.now()));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
