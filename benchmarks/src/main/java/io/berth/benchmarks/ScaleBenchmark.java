package io.berth.benchmarks;

import io.berth.common.files.FileTrees;
import io.berth.testing.BerthJvm;
import io.berth.testing.TestPostgres;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

import java.io.IOException;
import java.io.PrintStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane at fleet scale: `berth server` on PostgreSQL (a fresh database on the server
 * BERTH_TEST_POSTGRES_URL names) and a simulated fleet ({@link SimulatedFleet}: one process, many agents speaking the
 * real agent protocol) that joins, is given the tasks (RunTask through the AWS SDK, ten at a time) and then syncs
 * every heartbeat. Measured, in one run: the fleet's syncs alone (syncs per second, their round trip, the control
 * plane's CPU per sync); RunTask as fast as it is answered while the fleet syncs (RunTask per second, p50 and p99, the
 * control plane's CPU and memory, and how soon the task's host saw it); the same with two and three replicas, RunTask
 * spread over them and the agents spread over them too (so a RunTask mostly reaches a host connected to another
 * replica); and the SIGKILL of the leader (time to another's lease, and to the placement of a RunTask sent at the
 * kill). Target (issue 13): at least 500 RunTask per second with p99 at most 50 ms while the fleet syncs.
 */
public final class ScaleBenchmark
{
    private static final double TARGET_RATE = 500;
    private static final Duration TARGET_P99 = Duration.ofMillis(50);
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(10);
    private static final int FILL_BATCH = 10;
    private static final int WAKE_UP_SAMPLES = 30;

    private ScaleBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, ScaleOptions::parse, ScaleBenchmark::run);
    }

    private static void run(ScaleOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        TestPostgres postgres = BenchmarkMain.freshPostgres(cleanup, "the control plane runs on a fresh database on that server");
        out.printf(Locale.ROOT, "Berth scale benchmark: %d simulated agents (heartbeat %d ms) holding %d tasks, `berth server` on PostgreSQL, up to %d replicas%n",
                options.agents(), options.heartbeat().toMillis(), options.tasks(), options.replicas());
        out.println("server JVM options: " + String.join(" ", options.serverJvmOptions()));
        out.println("load before: " + BenchmarkMain.loadAverage());

        // the replicas run as the launcher runs `berth server` (or with `berth up`'s collector, to compare)
        List<String> jvmOptions = new ArrayList<>(options.serverJvmOptions());
        Path profile = null;
        // each replica's collector pauses, one file per process (read back for the first replica at the end)
        Path gcLogs = Files.createTempDirectory("berth-scale-gc");
        cleanup.push("collector logs", () -> FileTrees.deleteRecursively(gcLogs));
        jvmOptions.add(GcPauses.logOption(gcLogs));
        if (options.profile()) {
            profile = Files.createTempFile("berth-scale-", ".jfr");
            // deep enough for a virtual thread's whole stack under the HTTP server: the default 64 frames cut off where a sample began
            jvmOptions.add("-XX:FlightRecorderOptions=stackdepth=256");
            jvmOptions.add("-XX:StartFlightRecording=filename=" + profile + ",settings=profile,dumponexit=true");
        }
        // a /24 per host: the default task CIDR (a /16) has room for 256 hosts only
        ControlPlaneReplicas replicas = ControlPlaneReplicas.on(postgres.jdbcUrl(), BerthJvm.current(jvmOptions), List.of("--task-cidr", "10.0.0.0/8"));
        cleanup.push("control plane replicas", replicas::close);
        cleanup.push("copy of the replicas' logs", () -> keepLogs(replicas));
        replicas.startNext();
        Map<String, String> operator = replicas.operatorEnvironment();
        List<EcsClient> clients = new ArrayList<>();
        cleanup.push("ECS clients", () -> clients.forEach(EcsClient::close));
        clients.add(client(replicas, 0, operator, options.concurrency()));
        String taskDefinitionArn = prepare(clients.getFirst());

        SimulatedFleet fleet = new SimulatedFleet(replicas::endpoint, options.heartbeat());
        cleanup.push("simulated fleet", fleet::close);
        Duration joined = fleet.join(replicas.joinToken(), options.agents());
        fleet.start();
        out.printf(Locale.ROOT, "%d agents joined in %.1f s%n", options.agents(), joined.toMillis() / 1000.0);

        RunTaskLoad fill = new RunTaskLoad(clients, BenchmarkCluster.CLUSTER, taskDefinitionArn);
        int fillCalls = (options.tasks() + FILL_BATCH - 1) / FILL_BATCH;
        RunTaskLoad.Result filled = fill.run(FILL_BATCH, options.concurrency(), fillCalls, options.fillLimit());
        out.printf(Locale.ROOT, "filled: %d tasks (of %d asked) by %d RunTask of %d in %.1f s (%.1f tasks/s, RunTask p50 %s ms, p99 %s ms, %d failed%s)%n",
                filled.tasks(), options.tasks(), filled.calls(), FILL_BATCH, filled.elapsed().toMillis() / 1000.0, filled.tasksPerSecond(),
                p50(filled.latencies()), p99(filled.latencies()), filled.failures(), filled.lastFailure() == null ? "" : ": " + filled.lastFailure());
        Duration settled = awaitRunning(fleet, filled.tasks());
        out.printf(Locale.ROOT, "the fleet reports all %d RUNNING %.1f s after the last RunTask%n", filled.tasks(), settled.toMillis() / 1000.0);

        if (options.warmUp().isPositive()) {
            // RunTask as the measured phase runs it, unmeasured: a server started a moment ago spends about as much CPU on
            // compiling its hot paths as on serving them, which is not what a server that has run for a while costs
            RunTaskLoad.Result warmUp = new RunTaskLoad(clients, BenchmarkCluster.CLUSTER, taskDefinitionArn)
                    .run(1, options.concurrency(), Integer.MAX_VALUE, options.warmUp());
            awaitRunning(fleet, filled.tasks() + warmUp.tasks());
            out.printf(Locale.ROOT, "warm-up (not measured): RunTask for %d s while the fleet syncs, %.0f calls/s; the fleet now holds %d tasks%n",
                    options.warmUp().toSeconds(), warmUp.callsPerSecond(), fleet.tasksRunning());
        }

        List<String> rows = new ArrayList<>();
        List<Long> pids = List.of(replicas.server(0).pid().orElseThrow());
        rows.add(syncPhase(fleet, pids, options));
        PhaseFigures single = runTaskPhase(fleet, replicas, clients, taskDefinitionArn, options, 1);
        rows.add(single.row());
        List<String> shares = new ArrayList<>(List.of(single.shares()));
        for (int count = 2; count <= options.replicas(); count++) {
            int replica = replicas.startNext();
            clients.add(client(replicas, replica, operator, options.concurrency()));
            fleet.spreadOver(count);
            PhaseFigures phase = runTaskPhase(fleet, replicas, clients, taskDefinitionArn, options, count);
            rows.add(phase.row());
            shares.add(phase.shares());
        }
        String wakeUps = options.replicas() > 1 ? wakeUps(fleet, clients.getFirst(), taskDefinitionArn) : null;
        String failover = options.replicas() > 1 ? failover(replicas, clients, taskDefinitionArn, postgres.jdbcUrl(), fleet) : null;

        out.println();
        out.printf(Locale.ROOT, "%-34s %9s %8s %8s %9s %7s %8s %8s %10s%n", "phase (while the fleet syncs)", "calls/s", "p50 ms", "p99 ms", "failed", "CPU", "RSS MiB",
                "seen p50", "seen p99 ms");
        rows.forEach(out::println);
        shares.forEach(out::println);
        if (wakeUps != null) {
            out.println(wakeUps);
        }
        if (failover != null) {
            out.println(failover);
        }
        out.println("load after: " + BenchmarkMain.loadAverage());
        long firstPid = replicas.server(0).pid().orElseThrow();
        Path firstGcLog = gcLogs.resolve("gc-" + firstPid + ".log");
        if (Files.exists(firstGcLog)) {
            out.println("collector pauses of the first replica, from its start (the fill included): " + GcPauses.read(firstGcLog).describe());
        }
        boolean met = single.rate() >= TARGET_RATE && single.p99().compareTo(TARGET_P99) <= 0;
        out.printf(Locale.ROOT, "target: >= %.0f RunTask/s with p99 <= %d ms while %d agents with %d tasks sync: %.0f RunTask/s, p99 %d ms -> %s%n",
                TARGET_RATE, TARGET_P99.toMillis(), options.agents(), filled.tasks(), single.rate(), single.p99().toMillis(), met ? "MET" : "NOT MET");
        if (profile != null) {
            out.println("JFR profile of the first replica (written as it stops): " + profile);
        }
        out.println("cleaning up ...");
    }

    /** The fleet's syncs alone for one phase: syncs per second, their round trip, the control plane's CPU per sync. */
    private static String syncPhase(SimulatedFleet fleet, List<Long> pids, ScaleOptions options)
            throws IOException, InterruptedException
    {
        fleet.nextPhase();
        ProcessCpu before = ProcessCpu.now(pids);
        Thread.sleep(options.phase().toMillis());
        ProcessCpu.Use cpu = ProcessCpu.now(pids).since(before);
        SimulatedFleet.SyncRecorder syncs = fleet.nextPhase();
        List<Duration> roundTrips = syncs.roundTrips();
        // the network plans sent alone (after a change of a host's network only) cost the control plane too
        double calls = syncs.perSecond() + syncs.networkFetchesPerSecond();
        return String.format(Locale.ROOT, "%-34s %9.0f %8s %8s %9d %7.2f %8d %8s %10s   (syncs; CPU per sync %.1f ms; %.0f network plans sent alone/s, "
                        + "%.0f of them with their wake-up; CPU per sync or plan sent alone %.1f ms; %d bytes per sync, request and answer; %d bytes per plan sent alone)",
                "syncs only, 1 replica", syncs.perSecond(), p50(roundTrips), p99(roundTrips), syncs.failures(), cpu.ownCores(), rssMiB(pids), "-", "-",
                cpu.ownCores() * 1000 / Math.max(syncs.perSecond(), 0.001), syncs.networkFetchesPerSecond(), syncs.networkBroughtPerSecond(),
                cpu.ownCores() * 1000 / Math.max(calls, 0.001), syncs.bytesPerSync(), syncs.bytesPerNetworkFetch());
    }

    private static String p50(List<Duration> samples)
    {
        return samples.isEmpty() ? "-" : Long.toString(LatencySummary.of(samples).p50().toMillis());
    }

    private static String p99(List<Duration> samples)
    {
        return samples.isEmpty() ? "-" : Long.toString(LatencySummary.of(samples).p99().toMillis());
    }

    /** shares: where the machine's CPU went in the phase (see {@link MachineCpuShares}). */
    private record PhaseFigures(String row, double rate, Duration p99, String shares) {}

    /** RunTask (one task a call) as fast as answered, spread over the first count replicas, while the fleet syncs. */
    private static PhaseFigures runTaskPhase(SimulatedFleet fleet, ControlPlaneReplicas replicas, List<EcsClient> clients, String taskDefinitionArn,
            ScaleOptions options, int count)
            throws IOException, InterruptedException
    {
        List<Long> pids = new ArrayList<>();
        for (int replica = 0; replica < count; replica++) {
            pids.add(replicas.server(replica).pid().orElseThrow());
        }
        fleet.nextPhase();
        ProcessCpu before = ProcessCpu.now(pids);
        MachineCpuShares sharesBefore = MachineCpuShares.now(pids);
        RunTaskLoad.Result load = new RunTaskLoad(clients.subList(0, count), BenchmarkCluster.CLUSTER, taskDefinitionArn)
                .run(1, options.concurrency(), Integer.MAX_VALUE, options.phase());
        ProcessCpu.Use cpu = ProcessCpu.now(pids).since(before);
        String shares = MachineCpuShares.now(pids).since(sharesBefore);
        long rss = rssMiB(pids);
        SimulatedFleet.SyncRecorder syncs = fleet.nextPhase();
        // how soon after RunTask answered the task's host had it in a sync answer: the wake-up, across replicas too
        Thread.sleep(options.heartbeat().toMillis() * 2);
        List<Duration> seen = new ArrayList<>();
        load.answeredAt().forEach((taskId, answered) -> Optional.ofNullable(fleet.firstSeen(taskId))
                .ifPresent(at -> seen.add(Duration.ofNanos(Math.max(0, at - answered)))));
        String row = String.format(Locale.ROOT, "%-34s %9.0f %8s %8s %9d %7.2f %8d %8s %10s   (%d tasks, %.0f syncs/s, sync p99 %s ms, %.0f network plans sent alone/s, "
                        + "%.0f of them with their wake-up, %d bytes per sync, %d per plan sent alone%s)",
                "RunTask, " + count + (count == 1 ? " replica" : " replicas"), load.callsPerSecond(), p50(load.latencies()), p99(load.latencies()),
                load.failures(), cpu.ownCores(), rss, p50(seen), p99(seen), load.tasks(), syncs.perSecond(), p99(syncs.roundTrips()),
                syncs.networkFetchesPerSecond(), syncs.networkBroughtPerSecond(), syncs.bytesPerSync(), syncs.bytesPerNetworkFetch(), load.lastFailure() == null ? "" : "; last failure: " + load.lastFailure());
        Duration p99 = load.latencies().isEmpty() ? Duration.ofDays(1) : LatencySummary.of(load.latencies()).p99();
        return new PhaseFigures(row, load.callsPerSecond(), p99, "RunTask, " + count + (count == 1 ? " replica" : " replicas") + ": " + shares);
    }

    /**
     * Wake-ups across replicas, measured one RunTask at a time (so the queue of a loaded control plane does not count):
     * each goes through replica 0, and the time from its answer to the sync answer that gives the task to its host is
     * put with the hosts connected to replica 0 or with those connected to another. Without a wake-up the host would
     * get it at its next heartbeat: half a heartbeat on average.
     */
    private static String wakeUps(SimulatedFleet fleet, EcsClient client, String taskDefinitionArn)
            throws InterruptedException
    {
        List<Duration> same = new ArrayList<>();
        List<Duration> other = new ArrayList<>();
        for (int sample = 0; sample < WAKE_UP_SAMPLES; sample++) {
            String taskArn = client.runTask(request -> request.cluster(BenchmarkCluster.CLUSTER).taskDefinition(taskDefinitionArn)
                    .networkConfiguration(BenchmarkCluster.AWSVPC).placementStrategy(RunTaskLoad.SPREAD)).tasks().getFirst().taskArn();
            long answered = System.nanoTime();
            String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
            long deadline = answered + Duration.ofSeconds(30).toNanos();
            while (fleet.firstSeen(taskId) == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Long seen = fleet.firstSeen(taskId);
            if (seen != null) {
                (fleet.seenThrough(taskId) == 0 ? same : other).add(Duration.ofNanos(Math.max(0, seen - answered)));
            }
        }
        return String.format(Locale.ROOT, "wake-ups, one RunTask at a time through replica 0 (%d): to a host on replica 0 p50 %s ms, max %s ms (%d); "
                        + "to a host on another replica p50 %s ms, max %s ms (%d)",
                WAKE_UP_SAMPLES, p50(same), max(same), same.size(), p50(other), max(other), other.size());
    }

    private static String max(List<Duration> samples)
    {
        return samples.isEmpty() ? "-" : Long.toString(LatencySummary.of(samples).max().toMillis());
    }

    /** SIGKILL of the leader: time to another replica's lease, and to the placement of a RunTask sent to a survivor at the kill. */
    private static String failover(ControlPlaneReplicas replicas, List<EcsClient> clients, String taskDefinitionArn, String jdbcUrl, SimulatedFleet fleet)
            throws IOException, InterruptedException
    {
        int leader = leader(replicas, jdbcUrl);
        int survivor = (leader + 1) % replicas.size();
        replicas.server(leader).kill();
        long killedAt = System.currentTimeMillis();
        String taskArn = clients.get(survivor).runTask(request -> request.cluster(BenchmarkCluster.CLUSTER).taskDefinition(taskDefinitionArn)
                .networkConfiguration(BenchmarkCluster.AWSVPC).placementStrategy(RunTaskLoad.SPREAD)).tasks().getFirst().taskArn();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long elected;
        // an election after the kill (a loaded leader may lose its lease before, and that one does not count)
        while ((elected = lastElection(jdbcUrl)) < killedAt) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no replica took the lease within 60 s of the leader's SIGKILL");
            }
            Thread.sleep(20);
        }
        long placed = eventTime(jdbcUrl, "TASK_PLACED", taskArn);
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        while (fleet.firstSeen(taskId) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        replicas.restart(leader);
        return String.format(Locale.ROOT, "failover: SIGKILL of the leader (replica %d) to another's lease %d ms (target <= 5000 ms: %s); a RunTask sent at the kill placed after %d ms",
                leader, elected - killedAt, elected - killedAt <= 5000 ? "MET" : "NOT MET", placed - killedAt);
    }

    /** The replica whose process holds the lease (replica ids are HOSTNAME-PID-RANDOM). */
    private static int leader(ControlPlaneReplicas replicas, String jdbcUrl)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String holder = string(jdbcUrl, "SELECT holder FROM control_plane_lease", null);
            for (int replica = 0; holder != null && replica < replicas.size(); replica++) {
                Optional<Long> pid = replicas.server(replica).pid();
                if (pid.isPresent() && holder.contains("-" + pid.get() + "-")) {
                    return replica;
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("no replica holds the lease");
    }

    private static long lastElection(String jdbcUrl)
            throws IOException
    {
        String value = string(jdbcUrl, "SELECT MAX(occurred_at) FROM cluster_events WHERE event_type = 'LEADER_ELECTED'", null);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static long eventTime(String jdbcUrl, String type, String resource)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String value = string(jdbcUrl, "SELECT occurred_at FROM cluster_events WHERE event_type = '" + type + "' AND resource = ?", resource);
            if (value != null) {
                return Long.parseLong(value);
            }
            Thread.sleep(20);
        }
        throw new IOException("no " + type + " event for " + resource + " within 60 s");
    }

    private static String string(String jdbcUrl, String sql, String parameter)
            throws IOException
    {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
        catch (SQLException e) {
            throw new IOException("cannot read the replicas' store: " + e.getMessage(), e);
        }
    }

    /** Waits until the fleet reports count tasks RUNNING; returns how long that took. */
    private static Duration awaitRunning(SimulatedFleet fleet, int count)
            throws IOException, InterruptedException
    {
        long started = System.nanoTime();
        long deadline = started + SETTLE_TIMEOUT.toNanos();
        while (fleet.tasksRunning() < count) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the fleet reports " + fleet.tasksRunning() + " of " + count + " tasks RUNNING after " + SETTLE_TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The cluster and a Fargate task definition of one small container; returns the definition's ARN. */
    private static String prepare(EcsClient ecs)
    {
        ecs.createCluster(request -> request.clusterName(BenchmarkCluster.CLUSTER));
        return ecs.registerTaskDefinition(request -> request
                        .family("scale-sleeper")
                        .cpu(Integer.toString(BenchmarkContainer.CPU_UNITS))
                        .memory(Integer.toString(BenchmarkContainer.MEMORY_MIB))
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(ContainerDefinition.builder().name("main").image("busybox:latest").essential(true)
                                .command(BenchmarkContainer.COMMAND).build()))
                .taskDefinition().taskDefinitionArn();
    }

    /** An ECS client of replica signed with the operator's key, that never retries (a retry would hide a failure). */
    private static EcsClient client(ControlPlaneReplicas replicas, int replica, Map<String, String> operator, int maxConnections)
    {
        return EcsClient.builder()
                .endpointOverride(replicas.endpoint(replica))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"))))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxConnections))
                .overrideConfiguration(configuration -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Resident memory of the processes, in MiB. */
    private static long rssMiB(List<Long> pids)
            throws IOException
    {
        long kib = 0;
        for (long pid : pids) {
            kib += Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0);
        }
        return kib / 1024;
    }

    /** The replicas' logs go away with their directory: copies go beside the benchmark's own log. */
    private static void keepLogs(ControlPlaneReplicas replicas)
            throws IOException
    {
        List<Path> ownLog = BenchmarkMain.ownLogFile();
        if (ownLog.isEmpty() || !Files.isDirectory(replicas.root())) {
            return;
        }
        Path directory = ownLog.getFirst().toAbsolutePath().getParent();
        try (var files = Files.list(replicas.root())) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(file, directory.resolve("bench-scale-" + file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
