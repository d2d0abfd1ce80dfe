package io.berth.agent.ingress;

import com.sun.net.httpserver.HttpServer;
import io.berth.common.agentprotocol.IngressPlan;
import io.berth.common.agentprotocol.IngressReport;
import io.berth.common.network.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real HAProxy behind the supervisor, with backends on loopback: a target joins the load balancer's rotation only
 * after its own health checks pass, and a reload keeps the targets already serving in it. HAProxy 2.6 starts a server
 * it has no saved state for as UP, so without care a new target takes requests before its first check.
 */
class HaproxySupervisorTest
{
    private static final String GROUP = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/aaaa";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final List<HttpServer> backends = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HaproxySupervisor supervisor;
    private int listenerPort;

    @BeforeEach
    void startHaproxy()
            throws IOException
    {
        assumeTrue(Files.isExecutable(HaproxySupervisor.DEFAULT_BINARY), "haproxy is not installed");
        // HAProxy binds it only once the supervisor has started it
        listenerPort = FreePorts.outsideEphemeralRange(java.net.InetAddress.getLoopbackAddress());
        supervisor = new HaproxySupervisor(HaproxySupervisor.DEFAULT_BINARY, directory.resolve("ingress"), Clock.systemUTC());
        supervisor.start();
    }

    @AfterEach
    void stopEverything()
    {
        if (supervisor != null) {
            supervisor.close();
        }
        backends.forEach(server -> server.stop(0));
    }

    @Test
    void aNewTargetTakesRequestsOnlyOnceItsHealthChecksPassAndAReloadKeepsTheOnesServing()
            throws Exception
    {
        Backend old = backend("old", true);
        supervisor.apply(plan(old));
        awaitHealthy(old);

        Backend sick = backend("sick", false);
        Backend fresh = backend("fresh", true);
        try (Load load = new Load()) {
            await().atMost(TIMEOUT).until(() -> old.served.get() > 20);
            supervisor.apply(plan(old, sick, fresh));
            // fresh passes its checks and joins; sick never does
            await().atMost(TIMEOUT).until(() -> fresh.served.get() > 20);
            assertThat(healthOf(fresh)).isEqualTo("healthy");
            assertThat(fresh.servedBeforeHealthy.get()).as("requests fresh took before HAProxy saw it healthy").isZero();
            await().atMost(TIMEOUT).until(() -> "unhealthy".equals(healthOf(sick)));

            // a reload for another reason (sick leaves) keeps old and fresh in the rotation: no request fails
            int before = fresh.served.get();
            supervisor.apply(plan(old, fresh));
            await().atMost(TIMEOUT).until(() -> fresh.served.get() > before + 20);
            load.assertNoFailure();
            assertThat(sick.served.get()).as("requests the sick target took").isZero();
        }
    }

    private void awaitHealthy(Backend backend)
    {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> "healthy".equals(healthOf(backend)));
    }

    private String healthOf(Backend backend)
    {
        return supervisor.health().stream().filter(target -> target.port() == backend.port())
                .map(IngressReport.TargetHealth::state).findFirst().orElse(null);
    }

    private IngressPlan plan(Backend... targets)
    {
        List<IngressPlan.Target> registered = new ArrayList<>();
        for (Backend target : targets) {
            registered.add(new IngressPlan.Target("127.0.0.1", target.port(), null));
        }
        IngressPlan.Listener listener = new IngressPlan.Listener("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/lb/1/llll",
                listenerPort, GROUP, List.of());
        IngressPlan.LoadBalancer loadBalancer = new IngressPlan.LoadBalancer("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/lb/1",
                "127.0.0.1", List.of(listener));
        // checked every second, healthy after 2 passes, unhealthy after 2 failures
        IngressPlan.TargetGroup group = new IngressPlan.TargetGroup(GROUP, "/health", 1, 1, 2, 2, "200", registered);
        return new IngressPlan(List.of(loadBalancer), List.of(group));
    }

    /** A backend on loopback that answers its name; its health check answers 200 when healthy, 500 when not. */
    private Backend backend(String name, boolean healthy)
            throws IOException
    {
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 50);
        Backend backend = new Backend(name, server, new AtomicInteger(), new AtomicInteger());
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(healthy ? 200 : 500, -1);
            exchange.close();
        });
        server.createContext("/", exchange -> {
            backend.served.incrementAndGet();
            if (!"healthy".equals(healthOf(backend))) {
                backend.servedBeforeHealthy.incrementAndGet();
            }
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(null);
        server.start();
        backends.add(server);
        return backend;
    }

    private record Backend(String name, HttpServer server, AtomicInteger served, AtomicInteger servedBeforeHealthy)
    {
        int port()
        {
            return server.getAddress().getPort();
        }
    }

    /** GETs to the load balancer back to back on a virtual thread until closed (at most 2 minutes); failures kept. */
    private final class Load
            implements AutoCloseable
    {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final Thread thread;

        Load()
        {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + "/")).timeout(Duration.ofSeconds(5)).build();
            thread = Thread.ofVirtual().start(() -> {
                while (running.get() && Instant.now().isBefore(deadline)) {
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(Integer.toString(response.statusCode()), ignored -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() != 200) {
                            failures.add(Instant.now() + " " + response.statusCode());
                        }
                    }
                    catch (IOException e) {
                        failures.add(Instant.now() + " " + e);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void assertNoFailure()
        {
            assertThat(failures).as("failed requests; statuses " + statuses).isEmpty();
        }

        @Override
        public void close()
                throws InterruptedException
        {
            running.set(false);
            thread.join(Duration.ofSeconds(10));
        }
    }
}
