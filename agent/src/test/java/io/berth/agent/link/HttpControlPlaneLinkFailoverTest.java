package io.berth.agent.link;

import com.sun.net.httpserver.HttpServer;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's link to several control planes, against real HTTP servers on loopback: a control plane that refuses
 * connections, answers 5xx or has stopped is skipped for the next; the one that answered is called first from then
 * on; the replicas a sync answer names are learned; a refusal (401) is final and no other replica is tried.
 */
class HttpControlPlaneLinkFailoverTest
{
    private static final HostCredential CREDENTIAL = new HostCredential("host-1", "s".repeat(43));
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers()
    {
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void aSyncGoesToTheNextControlPlaneWhenTheFirstIsAwayAndStaysThere()
            throws IOException
    {
        URI dead = deadUrl();
        AtomicInteger failingCalls = new AtomicInteger();
        URI failing = server(500, "{\"__type\":\"ServerException\",\"message\":\"the store is away\"}", failingCalls);
        AtomicInteger liveCalls = new AtomicInteger();
        URI live = server(200, Json.mapper().writeValueAsString(new SyncResponse(List.of(), null, null, List.of("http://10.9.9.9:8686"))), liveCalls);
        ControlPlaneEndpoints endpoints = new ControlPlaneEndpoints(List.of(dead, failing, live));
        HttpControlPlaneLink link = new HttpControlPlaneLink(endpoints, CREDENTIAL, io.berth.common.tls.TrustedCertificates.withSystem(java.util.List.of()));

        SyncResponse response = link.sync(request());

        assertThat(response.controlPlanes()).containsExactly("http://10.9.9.9:8686");
        assertThat(endpoints.current()).isEqualTo(live);
        assertThat(failingCalls).hasValue(1);
        // the replicas it was given stay, the one the control plane named is added
        assertThat(endpoints.inOrder()).containsExactly(live, URI.create("http://10.9.9.9:8686"), dead, failing);

        link.sync(request());
        assertThat(liveCalls).hasValue(2);
        assertThat(failingCalls).as("the next call goes straight to the one that answered").hasValue(1);
    }

    @Test
    void whenNoControlPlaneAnswersTheFailureNamesTheLastAndTheOthersAreKept()
            throws IOException
    {
        URI first = deadUrl();
        URI second = deadUrl();
        HttpControlPlaneLink link = new HttpControlPlaneLink(new ControlPlaneEndpoints(List.of(first, second)), CREDENTIAL, io.berth.common.tls.TrustedCertificates.withSystem(java.util.List.of()));

        assertThatThrownBy(() -> link.sync(request()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot reach the control plane at " + second)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }

    @Test
    void aRefusalIsFinalAndNoOtherControlPlaneIsAsked()
            throws IOException
    {
        URI refusing = server(401, "{\"__type\":\"UnrecognizedHost\",\"message\":\"no host credential\"}", new AtomicInteger());
        AtomicInteger otherCalls = new AtomicInteger();
        URI other = server(200, "{\"tasks\":[]}", otherCalls);
        HttpControlPlaneLink link = new HttpControlPlaneLink(new ControlPlaneEndpoints(List.of(refusing, other)), CREDENTIAL, io.berth.common.tls.TrustedCertificates.withSystem(java.util.List.of()));

        assertThatThrownBy(() -> link.sync(request())).isInstanceOf(ControlPlaneRefusedException.class).hasMessageContaining("no host credential");
        assertThat(otherCalls).hasValue(0);
    }

    private static SyncRequest request()
    {
        return new SyncRequest(new HostInfo("host-1", "127.0.0.1", 1024, 2048, Map.of(), 0), List.of());
    }

    private URI server(int status, String body, AtomicInteger calls)
            throws IOException
    {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A loopback port nothing listens on: connections are refused at once, as with a SIGKILLed control plane. */
    private static URI deadUrl()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
