package io.berth.e2e;

import io.berth.common.metrics.MetricsToken;
import io.berth.testing.PrometheusText;
import io.berth.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three `berth server` processes on one PostgreSQL store and an agent in a network namespace that joined the first:
 * the first leads (the lease in the store, berth_leader 1 on it alone). A burst of RunTasks goes round the three, and
 * the leader is SIGKILLed in the middle of it; a RunTask its death cut off is sent again, with the same clientToken, to
 * the next replica. Another replica leads within 5 s; every accepted RunTask is placed exactly once (one task, one
 * TASK_PLACED event, one container on the host); the tasks that ran before keep running, untouched; the agent moves to
 * a live control plane, which it learned from its sync answers (it was given only the first), and runs a task started
 * after the failover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneFailoverEndToEndTest
{
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneFailoverEndToEndTest.class);
    private static final String CLUSTER = TestFleet.CLUSTER;
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(5);
    private static final int BURST = 9;
    /** The RunTask of the burst after which the leader dies. */
    private static final int KILL_AFTER = 3;

    private TestPostgres postgres;
    private TestFleet fleet;

    @BeforeAll
    void startReplicas()
            throws Exception
    {
        postgres = TestPostgres.create();
        // room for every task of the test at once: they only sleep
        fleet = TestFleet.startOnPostgres(1, 3, postgres, options -> options.withAgentCapacity(8192, 16384), "--no-registry");
    }

    @AfterAll
    void stopReplicas()
            throws Exception
    {
        TestFleet.closeReplicas(fleet, postgres);
    }

    @Test
    void aLeaderKilledDuringABurstOfRunTasksIsReplacedWithinFiveSecondsAndEveryAcceptedTaskIsPlacedOnce()
            throws Exception
    {
        // the first replica started alone and took the lease; the others wait
        await().atMost(Duration.ofSeconds(10)).until(() -> leaderReplica() == 0);
        assertThat(leaderMetrics()).containsExactly(1.0, 0.0, 0.0);

        List<EcsClient> clients = IntStream.range(0, 3).mapToObj(fleet::operatorClient).toList();
        try {
            ContainerDefinition main = ContainerDefinition.builder().name("main").image(fleet.image())
                    .command("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait").stopTimeout(2).build();
            String sleeper = clients.get(1).registerTaskDefinition(request -> request.family("failover-sleeper").requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").containerDefinitions(main))
                    .taskDefinition().taskDefinitionArn();
            List<String> before = List.of(runTask(clients, 1, sleeper, UUID.randomUUID().toString()), runTask(clients, 2, sleeper, UUID.randomUUID().toString()));
            Map<String, Instant> startedBefore = awaitRunning(clients.get(1), before).stream().collect(Collectors.toMap(Task::taskArn, Task::startedAt));

            List<String> accepted = new ArrayList<>();
            long killedAt = 0;
            for (int i = 0; i < BURST; i++) {
                if (i == KILL_AFTER) {
                    fleet.server(0).kill();
                    killedAt = System.currentTimeMillis();
                    log.info("SIGKILLed the leader, replica 0, after {} RunTasks of the burst", i);
                }
                accepted.add(runTask(clients, i % 3, sleeper, UUID.randomUUID().toString()));
            }
            assertThat(killedAt).isPositive();

            int newLeader = awaitLeaderOtherThan(0, killedAt);
            double[] metrics = leaderMetrics();
            assertThat(metrics[newLeader]).as("berth_leader of the new leader").isEqualTo(1.0);
            assertThat(metrics[3 - newLeader]).as("berth_leader of the other survivor").isEqualTo(0.0);

            List<Task> burst = awaitRunning(clients.get(newLeader), accepted);
            assertThat(burst).hasSize(BURST);
            assertThat(placementsPerTask()).as("TASK_PLACED events per task").allSatisfy((task, count) -> assertThat(count).as(task).isEqualTo(1L));
            assertThat(placementsPerTask()).hasSize(BURST + before.size());
            assertThat(count("SELECT COUNT(*) FROM tasks")).as("one task per accepted RunTask, even those sent twice").isEqualTo(BURST + before.size());
            assertThat(fleet.containerIds(0)).as("one container per task on the host").hasSize(BURST + before.size());

            // the tasks that ran before the failover were not touched
            for (Task task : awaitRunning(clients.get(newLeader), before)) {
                assertThat(task.startedAt()).as(task.taskArn()).isEqualTo(startedBefore.get(task.taskArn()));
            }

            // the agent was given only the first replica: it learned the others from its syncs and moved to one of them
            String agentLog = Files.readString(fleet.agentLogFile(0));
            assertThat(agentLog).contains("this agent now talks to the control plane at");
            // and keeps them beside its credential, for a restart while the one it joined is away
            assertThat(Files.readString(fleet.agentDirectory(0).resolve("host-credential.json")))
                    .contains(fleet.endpoint(1).toString(), fleet.endpoint(2).toString());
            String after = runTask(clients, newLeader, sleeper, UUID.randomUUID().toString());
            awaitRunning(clients.get(newLeader), List.of(after));

            assertThat(leadershipEvents()).as("the control plane's events name each leader").contains("LEADER_ELECTED " + leaseHolder());
        }
        finally {
            clients.forEach(EcsClient::close);
        }
    }

    /** RunTask through replica first, or, when it is away, through the next ones with the same clientToken. */
    private static String runTask(List<EcsClient> clients, int first, String taskDefinition, String clientToken)
    {
        SdkClientException failure = null;
        for (int attempt = 0; attempt < clients.size(); attempt++) {
            EcsClient client = clients.get((first + attempt) % clients.size());
            try {
                List<Task> tasks = client.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(taskDefinition).clientToken(clientToken)).tasks();
                assertThat(tasks).hasSize(1);
                return tasks.getFirst().taskArn();
            }
            catch (SdkClientException e) {
                failure = e;
            }
        }
        throw failure;
    }

    private static List<Task> awaitRunning(EcsClient client, List<String> taskArns)
    {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> client.describeTasks(request -> request.cluster(CLUSTER).tasks(taskArns)).tasks(),
                        tasks -> tasks.size() == taskArns.size() && tasks.stream().allMatch(task -> task.lastStatus().equals("RUNNING")));
    }

    /**
     * Waits for a replica other than old to hold the lease, and checks it took it within the takeover limit of the kill
     * (its LEADER_ELECTED event's time: the replicas run on this machine, on this clock).
     */
    private int awaitLeaderOtherThan(int old, long killedAtMillis)
    {
        int leader = await().atMost(TAKEOVER_LIMIT.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(this::leaderReplica, replica -> replica >= 0 && replica != old);
        Duration takeover = Duration.ofMillis(count("SELECT MAX(occurred_at) FROM cluster_events WHERE event_type = 'LEADER_ELECTED'") - killedAtMillis);
        log.info("replica {} leads {} ms after the SIGKILL of the leader", leader, takeover.toMillis());
        assertThat(takeover).as("time from the leader's SIGKILL to another's lease").isLessThanOrEqualTo(TAKEOVER_LIMIT).isPositive();
        return leader;
    }

    /** The replica (0..2) whose process holds the lease, or -1 when none does. */
    private int leaderReplica()
            throws SQLException
    {
        String holder = leaseHolder();
        if (holder == null) {
            return -1;
        }
        for (int replica = 0; replica < fleet.controlPlanes(); replica++) {
            // replica ids are HOSTNAME-PID-RANDOM
            Long pid = fleet.server(replica).pid().orElse(null);
            if (pid != null && holder.contains("-" + pid + "-")) {
                return replica;
            }
        }
        return -1;
    }

    private String leaseHolder()
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                ResultSet row = connection.createStatement().executeQuery("SELECT holder FROM control_plane_lease")) {
            return row.next() ? row.getString(1) : null;
        }
    }

    /** berth_leader on each replica's /metrics; NaN for one that does not answer. */
    private double[] leaderMetrics()
            throws IOException, InterruptedException
    {
        double[] values = new double[fleet.controlPlanes()];
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            for (int replica = 0; replica < values.length; replica++) {
                if (!fleet.server(replica).isAlive()) {
                    values[replica] = Double.NaN;
                    continue;
                }
                String token = Files.readString(fleet.serverDirectory(replica).resolve(MetricsToken.FILE_NAME)).strip();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(fleet.endpoint(replica) + "/metrics"))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                values[replica] = PrometheusText.parse(response.body()).value("berth_leader", Map.of()).orElseThrow();
            }
        }
        return values;
    }

    /** TASK_PLACED events per task ARN, from the store. */
    private Map<String, Long> placementsPerTask()
            throws SQLException
    {
        Map<String, Long> counts = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                ResultSet rows = connection.createStatement().executeQuery(
                        "SELECT resource, COUNT(*) FROM cluster_events WHERE event_type = 'TASK_PLACED' GROUP BY resource")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private Set<String> leadershipEvents()
            throws SQLException
    {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                PreparedStatement statement = connection.prepareStatement("SELECT event_type, resource FROM cluster_events WHERE event_type LIKE 'LEADER_%'");
                ResultSet rows = statement.executeQuery()) {
            Set<String> events = new HashSet<>();
            while (rows.next()) {
                events.add(rows.getString(1) + " " + rows.getString(2));
            }
            return events;
        }
    }

    private long count(String sql)
    {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot read the store: " + e.getMessage(), e);
        }
    }
}
