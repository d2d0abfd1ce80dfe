package io.berth.benchmarks;

import io.berth.testing.LocalFleet;
import io.berth.testing.LocalFleetOptions;
import io.berth.testing.TestPostgres;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Failover of the control plane: three `berth server` replicas on one PostgreSQL database (a fresh one on the server
 * that BERTH_TEST_POSTGRES_URL names) and one agent in a network namespace. Each round SIGKILLs the leader (the replica
 * holding the lease) and, at once, sends a RunTask to a surviving replica; it measures from the SIGKILL to the new
 * leader's lease (its LEADER_ELECTED event) and to that task's placement (its TASK_PLACED event), both times taken by
 * processes on this machine's clock. Then the killed replica starts again and the task stops. As the baseline, the same
 * RunTask-to-placed with no failover, in the same run. Target: failover (SIGKILL to the new leader) <= 5 s in every
 * round.
 */
public final class FailoverBenchmark
{
    private static final int REPLICAS = 3;
    private static final int MAX_ROUNDS = 5;
    private static final Duration TARGET = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private FailoverBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, FailoverBenchmark::run);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        TestPostgres postgres = BenchmarkMain.freshPostgres(cleanup, "the replicas share a fresh database on that server");
        int rounds = Math.min(options.iterations(), MAX_ROUNDS);
        out.println("Berth failover benchmark: " + REPLICAS + " control planes on PostgreSQL, the leader SIGKILLed " + rounds + " times");
        FleetUnderTest fleetUnderTest = FleetUnderTest.start(cleanup, 16, (index, network) -> List.of(), fleetOptions -> new LocalFleetOptions(1,
                fleetOptions.agentCpuUnits(), fleetOptions.agentMemoryMiB(), fleetOptions.imageRepositoryTag(), fleetOptions.jvm(),
                Stream.concat(fleetOptions.extraServerArguments().stream(), Stream.of("--store", postgres.jdbcUrl(), "--no-registry")).toList(),
                fleetOptions.extraAgentArguments(), REPLICAS));
        LocalFleet fleet = fleetUnderTest.fleet();
        BenchmarkCluster cluster = fleetUnderTest.cluster();
        List<EcsClient> clients = IntStream.range(0, REPLICAS).mapToObj(replica -> client(fleet, replica)).toList();
        cleanup.push("ECS clients of the replicas", () -> clients.forEach(EcsClient::close));
        Store store = new Store(postgres.jdbcUrl());

        out.println("baseline: RunTask to placed with every replica up ...");
        List<Long> baseline = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long sentAt = System.currentTimeMillis();
            String taskArn = runTask(clients, round % REPLICAS, cluster);
            baseline.add(store.awaitPlaced(taskArn) - sentAt);
            cluster.ecs().stopTask(request -> request.cluster(cluster.cluster()).task(taskArn));
        }

        List<Long> failovers = new ArrayList<>();
        List<Long> placements = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int leader = store.awaitLeader(fleet, -1);
            int survivor = (leader + 1) % REPLICAS;
            fleet.server(leader).kill();
            long killedAt = System.currentTimeMillis();
            String taskArn = runTask(clients, survivor, cluster);
            int next = store.awaitLeader(fleet, leader);
            long failover = store.lastElection() - killedAt;
            long placed = store.awaitPlaced(taskArn) - killedAt;
            failovers.add(failover);
            placements.add(placed);
            out.println(String.format(Locale.ROOT, "round %d: replica %d killed, replica %d leads after %d ms, a RunTask sent at the kill placed after %d ms",
                    round + 1, leader, next, failover, placed));
            fleet.restartServer(leader);
            clients.get(survivor).stopTask(request -> request.cluster(cluster.cluster()).task(taskArn));
        }

        out.println();
        out.println(String.format(Locale.ROOT, "%-58s %8s %8s %8s", "measure (" + rounds + " rounds)", "min ms", "median", "max ms"));
        row(out, "baseline: RunTask to placed, all replicas up", baseline);
        row(out, "SIGKILL of the leader to another's lease (failover)", failovers);
        row(out, "SIGKILL to placement of a RunTask sent at the kill", placements);
        long worst = failovers.stream().mapToLong(Long::longValue).max().orElseThrow();
        out.println();
        out.println(String.format(Locale.ROOT, "target: failover <= %d s in every round: %.1f s at most -> %s", TARGET.toSeconds(), worst / 1000.0,
                worst <= TARGET.toMillis() ? "MET" : "NOT MET"));
        out.println("cleaning up ...");
    }

    private static void row(PrintStream out, String name, List<Long> millis)
    {
        List<Long> sorted = millis.stream().sorted().toList();
        out.println(String.format(Locale.ROOT, "%-58s %8d %8d %8d", name, sorted.getFirst(), sorted.get(sorted.size() / 2), sorted.getLast()));
    }

    /** RunTask through replica first, or the next ones with the same clientToken while it is away. */
    private static String runTask(List<EcsClient> clients, int first, BenchmarkCluster cluster)
    {
        String clientToken = UUID.randomUUID().toString();
        SdkClientException failure = null;
        for (int attempt = 0; attempt < clients.size(); attempt++) {
            try {
                return clients.get((first + attempt) % clients.size()).runTask(request -> request.cluster(cluster.cluster()).taskDefinition(cluster.taskDefinitionArn())
                        .networkConfiguration(BenchmarkCluster.AWSVPC).clientToken(clientToken)).tasks().getFirst().taskArn();
            }
            catch (SdkClientException e) {
                failure = e;
            }
        }
        throw failure;
    }

    private static EcsClient client(LocalFleet fleet, int replica)
    {
        Map<String, String> operator = fleet.operatorEnvironment();
        return EcsClient.builder()
                .endpointOverride(fleet.endpoint(replica))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** What the benchmark reads from the replicas' store: who leads, and when decisions were committed. */
    private record Store(String jdbcUrl)
    {
        /** The replica other than not whose process holds the lease, once one does. */
        int awaitLeader(LocalFleet fleet, int not)
                throws IOException, InterruptedException
        {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                String holder = string("SELECT holder FROM control_plane_lease");
                for (int replica = 0; holder != null && replica < fleet.controlPlanes(); replica++) {
                    OptionalLong pid = fleet.server(replica).pid().map(OptionalLong::of).orElse(OptionalLong.empty());
                    // replica ids are HOSTNAME-PID-RANDOM
                    if (replica != not && fleet.server(replica).isAlive() && pid.isPresent() && holder.contains("-" + pid.getAsLong() + "-")) {
                        return replica;
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("no replica took the lease within " + TIMEOUT.toSeconds() + " s");
        }

        long lastElection()
                throws IOException
        {
            return Long.parseLong(string("SELECT MAX(occurred_at) FROM cluster_events WHERE event_type = 'LEADER_ELECTED'"));
        }

        /** When the task was placed (epoch millis), once it is. */
        long awaitPlaced(String taskArn)
                throws IOException, InterruptedException
        {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                try (Connection connection = DriverManager.getConnection(jdbcUrl);
                        PreparedStatement statement = connection.prepareStatement("SELECT occurred_at FROM cluster_events WHERE event_type = 'TASK_PLACED' AND resource = ?")) {
                    statement.setString(1, taskArn);
                    try (ResultSet row = statement.executeQuery()) {
                        if (row.next()) {
                            return row.getLong(1);
                        }
                    }
                }
                catch (SQLException e) {
                    throw new IOException("cannot read the replicas' store: " + e.getMessage(), e);
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("task " + taskArn + " was not placed within " + TIMEOUT.toSeconds() + " s");
        }

        private String string(String sql)
                throws IOException
        {
            try (Connection connection = DriverManager.getConnection(jdbcUrl);
                    ResultSet row = connection.createStatement().executeQuery(sql)) {
                return row.next() ? row.getString(1) : null;
            }
            catch (SQLException e) {
                throw new IOException("cannot read the replicas' store: " + e.getMessage(), e);
            }
        }
    }
}
