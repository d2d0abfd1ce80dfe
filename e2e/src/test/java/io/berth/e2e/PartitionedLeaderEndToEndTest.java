package io.berth.e2e;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.json.Json;
import io.berth.common.metrics.MetricsToken;
import io.berth.common.files.FileTrees;
import io.berth.testing.BerthJvm;
import io.berth.testing.BerthProcess;
import io.berth.testing.LocalFleet;
import io.berth.testing.PrometheusText;
import io.berth.testing.ReplicaDirectories;
import io.berth.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader cut off from PostgreSQL: two `berth server` replicas on one database, the first (the leader) reaching it
 * through a TCP proxy that the test cuts as a partition does (silence, no reset: its queries and any transaction in
 * flight hang). The other replica takes the lease within 5 s; a host that went silent is marked LOST once, by the new
 * leader, while the old one is still cut off; and once the partition heals, the old leader has stopped acting (it does
 * not take the lease back, says berth_leader 0, and marks nothing again). The host is a client of the agent protocol
 * (join and one sync), as an agent is: the test is about the control planes, so it runs no container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartitionedLeaderEndToEndTest
{
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(5);
    private static final String HOST_LOST_AFTER = "4s";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private TestPostgres postgres;
    private CuttableTcpProxy proxy;
    private Path root;
    private final List<BerthProcess> servers = new ArrayList<>();
    private final List<URI> endpoints = new ArrayList<>();

    @BeforeAll
    void startReplicas()
            throws Exception
    {
        postgres = TestPostgres.create();
        URI database = URI.create(postgres.jdbcUrl().substring("jdbc:".length()));
        proxy = CuttableTcpProxy.start(database.getHost(), database.getPort());
        root = Files.createTempDirectory("berth-partition");
        // the first starts alone and takes the lease; it reaches the database through the proxy
        start("jdbc:postgresql://127.0.0.1:" + proxy.port() + database.getRawPath() + "?" + database.getRawQuery());
        start(postgres.jdbcUrl());
    }

    @AfterAll
    void stopReplicas()
            throws Exception
    {
        try {
            if (proxy != null) {
                proxy.heal();
            }
            for (BerthProcess server : servers) {
                server.close();
            }
            http.close();
        }
        finally {
            try {
                if (proxy != null) {
                    proxy.close();
                }
                if (root != null) {
                    FileTrees.deleteRecursively(root);
                }
            }
            finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    @Test
    void aLeaderCutOffFromTheDatabaseStopsActingWhileAnotherTakesOver()
            throws Exception
    {
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() == 0);
        long epoch = Long.parseLong(string("SELECT epoch FROM control_plane_lease"));

        // a host joins through the second replica and syncs once, then goes silent
        String hostId = joinAndSyncOnce(endpoints.get(1));

        proxy.cut();
        long cutAt = System.currentTimeMillis();
        await().atMost(TAKEOVER_LIMIT.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> leader() == 1);
        long elected = Long.parseLong(string("SELECT MAX(occurred_at) FROM cluster_events WHERE event_type = 'LEADER_ELECTED'"));
        assertThat(Duration.ofMillis(elected - cutAt)).as("time from the cut to the other replica's lease").isLessThanOrEqualTo(TAKEOVER_LIMIT);
        assertThat(Long.parseLong(string("SELECT epoch FROM control_plane_lease"))).isEqualTo(epoch + 1);

        // the silent host is marked LOST by the new leader while the old one is still cut off
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> hostLostEvents(hostId) == 1);
        assertThat(leaderMetric(1)).as("berth_leader on the new leader").isEqualTo(1.0);

        proxy.heal();
        // once it hears from the database again, the old leader finds its term over and stays a follower
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(servers.get(0).logFile()), log -> log.contains("no longer leads") || log.contains("stops acting as leader"));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> leaderMetric(0) == 0.0);
        Thread.sleep(Duration.ofSeconds(2));
        assertThat(leader()).as("the lease stays with the new leader").isEqualTo(1);
        assertThat(Long.parseLong(string("SELECT epoch FROM control_plane_lease"))).as("no term since the takeover").isEqualTo(epoch + 1);
        assertThat(hostLostEvents(hostId)).as("the host was marked LOST once").isEqualTo(1);
        assertThat(Long.parseLong(string("SELECT COUNT(*) FROM cluster_events WHERE event_type = 'LEADER_ELECTED'"))).isEqualTo(2);
    }

    private void start(String storeUrl)
            throws IOException, InterruptedException
    {
        int replica = servers.size();
        int port = FreePorts.any();
        endpoints.add(URI.create("http://127.0.0.1:" + port));
        if (replica > 0) {
            ReplicaDirectories.shareTls(directory(0), directory(replica));
        }
        servers.add(BerthProcess.start(BerthJvm.forTests(), Optional.empty(), List.of("server", "--data-dir", directory(replica).toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--store", storeUrl, "--no-registry", "--tls", "off", "--host-lost-after", HOST_LOST_AFTER),
                root.resolve("server-" + replica + ".log"), Map.of()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            assertThat(servers.get(replica).isAlive()).as("berth server " + replica + " runs").isTrue();
            // any answer (401: no host credential) means it listens
            return http.send(HttpRequest.newBuilder(endpoints.get(replica).resolve("/berth/agent/v1/changes")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
        });
    }

    private Path directory(int replica)
    {
        return root.resolve("server-" + replica);
    }

    /** Joins a host with a token from `berth host token` and syncs it once; returns its id. */
    private String joinAndSyncOnce(URI endpoint)
            throws IOException, InterruptedException
    {
        BerthProcess.Result issued = BerthProcess.run(BerthJvm.forTests(), Optional.empty(), List.of("host", "token"), operatorEnvironment());
        assertThat(issued.exitCode()).as(issued.stderr()).isZero();
        HttpResponse<String> joined = post(endpoint, "join", Json.mapper().writeValueAsString(Map.of("token", issued.stdout().strip())), null);
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        var credential = Json.mapper().readTree(joined.body());
        String hostId = credential.path("hostId").asText();
        SyncRequest sync = new SyncRequest(new HostInfo(hostId, "192.0.2.10", 1024, 2048, Map.of()), List.of());
        HttpResponse<String> synced = post(endpoint, "sync", Json.mapper().writeValueAsString(sync), "Bearer " + hostId + "." + credential.path("secret").asText());
        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        return hostId;
    }

    private HttpResponse<String> post(URI endpoint, String operation, String body, String authorization)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve("/berth/agent/v1/" + operation)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> operatorEnvironment()
            throws IOException
    {
        return LocalFleet.readEnvironmentFile(directory(1).resolve("berth.env"));
    }

    /** The replica (0 or 1) whose process holds the lease, or -1 (replica ids are HOSTNAME-PID-RANDOM). */
    private int leader()
            throws SQLException
    {
        String holder = string("SELECT holder FROM control_plane_lease");
        for (int replica = 0; holder != null && replica < servers.size(); replica++) {
            Long pid = servers.get(replica).pid().orElse(null);
            if (pid != null && holder.contains("-" + pid + "-")) {
                return replica;
            }
        }
        return -1;
    }

    private long hostLostEvents(String hostId)
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM cluster_events WHERE event_type = 'HOST_LOST' AND resource = ?")) {
            statement.setString(1, hostId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private String string(String sql)
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                ResultSet row = connection.createStatement().executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }

    /** berth_leader on the replica's /metrics. */
    private double leaderMetric(int replica)
            throws IOException, InterruptedException
    {
        String token = Files.readString(directory(replica).resolve(MetricsToken.FILE_NAME)).strip();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoints.get(replica).resolve("/metrics"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return PrometheusText.parse(response.body()).value("berth_leader", Map.of()).orElseThrow();
    }
}
