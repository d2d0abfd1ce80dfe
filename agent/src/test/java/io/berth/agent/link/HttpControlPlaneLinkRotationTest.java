package io.berth.agent.link;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.tls.TrustedCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's side of the control plane's key and of a credential rotation, against a control plane stubbed on
 * loopback HTTP: the key of each sync answer is pinned and followed; a rotation asked for is taken, and one whose new
 * secret cannot be kept (or whose answer is lost) leaves the old secret in use, to be asked again at the next sync.
 */
class HttpControlPlaneLinkRotationTest
{
    private static final HostCredential OLD = new HostCredential("host-1", "o".repeat(64));
    private static final HostCredential NEW = new HostCredential("host-1", "n".repeat(64));

    @TempDir
    Path directory;

    private final String key = AgentCallKeys.encode(AgentCallKeys.newKeyPair().getPublic());
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger rotateFailures = new AtomicInteger();
    private HttpServer server;
    private volatile boolean askToRotate;
    private volatile String previousKeyHeader;

    @BeforeEach
    void start()
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/berth/agent/v1/sync", exchange -> {
            authorizations.add("sync " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders().set(AgentCallKeys.SYNC_HEADER, key);
            if (previousKeyHeader != null) {
                exchange.getResponseHeaders().set(AgentCallKeys.PREVIOUS_SYNC_HEADER, previousKeyHeader);
            }
            if (askToRotate) {
                exchange.getResponseHeaders().set(HostCredential.ROTATE_HEADER, "true");
            }
            send(exchange, 200, Json.mapper().writeValueAsString(new SyncResponse(List.of())));
        });
        server.createContext("/berth/agent/v1/rotate", exchange -> {
            authorizations.add("rotate " + exchange.getRequestHeaders().getFirst("Authorization"));
            if (rotateFailures.getAndDecrement() > 0) {
                // the answer is lost: the control plane may or may not have rotated
                send(exchange, 503, "{\"message\":\"the store is away\"}");
                return;
            }
            send(exchange, 200, Json.mapper().writeValueAsString(Map.of("hostId", NEW.hostId(), "secret", NEW.secret())));
        });
        server.start();
    }

    @AfterEach
    void stop()
    {
        server.stop(0);
    }

    @Test
    void theKeyOfEachSyncAnswerIsPinnedAndKeptForTheNextStart()
            throws IOException
    {
        ControlPlaneKeys keys = ControlPlaneKeys.load(directory);
        assertThat(keys.current()).isEmpty();

        link(keys, next -> {}).sync(request());

        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(key));
        assertThat(ControlPlaneKeys.load(directory).current()).containsExactly(AgentCallKeys.decode(key));
    }

    @Test
    void thePreviousKeyOfASyncAnswerIsTakenUntilItsEndAndDroppedWhenAnAnswerNoLongerNamesIt()
            throws IOException
    {
        String previous = AgentCallKeys.encode(AgentCallKeys.newKeyPair().getPublic());
        previousKeyHeader = previous + "; until=" + java.time.Instant.now().plusSeconds(600).getEpochSecond();
        ControlPlaneKeys keys = ControlPlaneKeys.load(directory);
        HttpControlPlaneLink link = link(keys, next -> {});

        link.sync(request());
        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(key), AgentCallKeys.decode(previous));
        assertThat(ControlPlaneKeys.load(directory).current()).as("after a restart").containsExactly(AgentCallKeys.decode(key), AgentCallKeys.decode(previous));

        previousKeyHeader = null;
        link.sync(request());
        assertThat(keys.current()).containsExactly(AgentCallKeys.decode(key));
        assertThat(directory.resolve(ControlPlaneKeys.PREVIOUS_FILE_NAME)).doesNotExist();
    }

    @Test
    void aRotationAskedForIsTakenAndTheNewSecretKeptBeforeItIsUsed()
            throws IOException
    {
        List<HostCredential> kept = new ArrayList<>();
        HttpControlPlaneLink link = link(ControlPlaneKeys.load(directory), kept::add);
        askToRotate = true;

        link.sync(request());

        assertThat(kept).containsExactly(NEW);
        assertThat(link.credential()).isEqualTo(NEW);
        askToRotate = false;
        link.sync(request());
        assertThat(authorizations).containsExactly("sync " + OLD.authorizationHeader(), "rotate " + OLD.authorizationHeader(), "sync " + NEW.authorizationHeader());
    }

    @Test
    void aNewSecretThatCannotBeKeptOrIsNotReceivedLeavesTheOldInUseAndTheNextSyncAsksAgain()
            throws IOException
    {
        AtomicInteger keepFailures = new AtomicInteger(1);
        HttpControlPlaneLink link = link(ControlPlaneKeys.load(directory), next -> {
            if (keepFailures.getAndDecrement() > 0) {
                throw new IOException("disk full");
            }
        });
        askToRotate = true;
        rotateFailures.set(1);

        link.sync(request());
        assertThat(link.credential()).as("the rotation's answer was lost").isEqualTo(OLD);
        link.sync(request());
        assertThat(link.credential()).as("the new secret could not be kept").isEqualTo(OLD);
        link.sync(request());
        assertThat(link.credential()).isEqualTo(NEW);
    }

    @Test
    void aDamagedKeyFileSaysWhatToDo()
            throws IOException
    {
        Files.writeString(directory.resolve(ControlPlaneKeys.FILE_NAME), "not a key");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlPlaneKeys.load(directory)).hasMessageContaining("is damaged").hasMessageContaining("remove it");
    }

    private HttpControlPlaneLink link(ControlPlaneKeys keys, HttpControlPlaneLink.CredentialRotation rotation)
    {
        URI controlPlane = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new HttpControlPlaneLink(ControlPlaneEndpoints.of(controlPlane), OLD, TrustedCertificates.withSystem(List.of()), keys, rotation);
    }

    private static SyncRequest request()
    {
        return new SyncRequest(new HostInfo("host-1", "127.0.0.1", 1024, 1024, Map.of(), 0), List.of());
    }

    private static void send(HttpExchange exchange, int status, String body)
            throws IOException
    {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }
}
