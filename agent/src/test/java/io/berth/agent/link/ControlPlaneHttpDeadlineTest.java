package io.berth.agent.link;

import com.sun.net.httpserver.HttpServer;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.tls.TrustedCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deadlines of the agent's calls to the control plane, against a real HTTP server on loopback that misbehaves: an
 * answer that stops mid-body fails at the call's deadline (not only one that never starts), an interrupted long poll
 * ends at once, and calls one after another go over one kept connection.
 */
class ControlPlaneHttpDeadlineTest
{
    private static final HostCredential CREDENTIAL = new HostCredential("host-1", "s".repeat(43));
    // how long the server stalls at most: bounded, so that a test that fails still ends
    private static final Duration STALL = Duration.ofSeconds(20);

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stopServer()
    {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anAnswerThatStallsMidBodyFailsAtTheCallsDeadline()
            throws IOException
    {
        URI controlPlane = serve(exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            OutputStream body = exchange.getResponseBody();
            body.write("{\"changed\":".getBytes(StandardCharsets.UTF_8));
            body.flush();
            awaitRelease();
        });
        try (ControlPlaneHttp http = new ControlPlaneHttp(controlPlane, TrustedCertificates.withSystem(List.of()))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.call("GET", "changes?timeout=0", null, CREDENTIAL.authorizationHeader(), Duration.ofSeconds(1)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("the control plane at " + controlPlane + " did not answer within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aLongPollUnderWayEndsWhenItsVirtualThreadIsInterrupted()
            throws Exception
    {
        CountDownLatch polling = new CountDownLatch(1);
        URI controlPlane = serve(exchange -> {
            polling.countDown();
            awaitRelease();
        });
        HttpControlPlaneLink link = new HttpControlPlaneLink(controlPlane, CREDENTIAL, TrustedCertificates.withSystem(List.of()));
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                link.awaitChanges("host-1", Duration.ofSeconds(30));
            }
            catch (InterruptedException | RuntimeException e) {
                ended.set(e);
            }
        });
        assertThat(polling.await(10, TimeUnit.SECONDS)).as("the long poll reached the server").isTrue();

        poller.interrupt();

        assertThat(poller.join(Duration.ofSeconds(5))).as("the poll ended once interrupted").isTrue();
        assertThat(ended.get()).as("the poll did not return as if answered").isNotNull();
    }

    @Test
    void callsOneAfterAnotherGoOverOneKeptConnection()
            throws IOException
    {
        AtomicInteger connections = new AtomicInteger();
        AtomicReference<InetSocketAddress> lastPeer = new AtomicReference<>();
        URI controlPlane = serve(exchange -> {
            if (!exchange.getRemoteAddress().equals(lastPeer.getAndSet(exchange.getRemoteAddress()))) {
                connections.incrementAndGet();
            }
            byte[] answer = "{\"changed\":false}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        });
        try (ControlPlaneHttp http = new ControlPlaneHttp(controlPlane, TrustedCertificates.withSystem(List.of()))) {
            for (int i = 0; i < 20; i++) {
                assertThat(new String(http.call("GET", "changes?timeout=0", null, CREDENTIAL.authorizationHeader(), Duration.ofSeconds(5)), StandardCharsets.UTF_8))
                        .isEqualTo("{\"changed\":false}");
            }
        }
        assertThat(connections).hasValue(1);
    }

    private interface Handler
    {
        void handle(com.sun.net.httpserver.HttpExchange exchange)
                throws IOException;
    }

    private URI serve(Handler handler)
            throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void awaitRelease()
    {
        try {
            release.await(STALL.toSeconds(), TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
