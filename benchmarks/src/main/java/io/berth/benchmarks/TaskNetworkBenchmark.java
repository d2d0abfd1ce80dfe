package io.berth.benchmarks;

import io.berth.testing.LocalFleet;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Task-to-task throughput and round-trip time through Berth's task network, next to the same between the hosts'
 * own network namespaces (the underlay), in one run: a fleet of agents in network namespaces ({@link
 * FleetUnderTest}), two tasks on agent 0 and one on agent 1; iperf3 (TCP, one stream) and busybox ping (adaptive,
 * one echo in flight) between them, run inside the tasks' network namespaces with nsenter, so the packets take the
 * tasks' own path: veth, bridge, nftables, and across hosts the VXLAN link. Each path is measured once per round,
 * rounds interleaved, and the median of the rounds reported.
 */
public final class TaskNetworkBenchmark
{
    /** Cross-host throughput must keep this share of the underlay's. */
    static final double TARGET_SHARE_OF_UNDERLAY = 0.8;
    private static final Duration IPERF_SECONDS = Duration.ofSeconds(3);
    private static final int PINGS = 300;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private TaskNetworkBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, TaskNetworkBenchmark::run);
    }

    /** One way through the network: iperf3's server and ping's target in serverNamespace at serverAddress. */
    private record NetworkPath(String name, Path clientNamespace, Path serverNamespace, String serverAddress) {}

    private record PathFigures(NetworkPath path, List<Double> gigabitsPerSecond, List<Double> roundTripMillis) {}

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        for (String tool : List.of("/usr/bin/iperf3", "/bin/busybox", "/usr/bin/nsenter")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IOException(tool + " not found: install Debian's iperf3, busybox-static and util-linux (scripts/lib.sh lists them)");
            }
        }
        out.println("Berth task network benchmark: throughput and round trip, task to task, next to the underlay");
        out.println("machine: " + String.join("; ", MachineDescription.describe(options.runcBinary(), options.conmonBinary(), Files.createTempDirectory("berth-netbench"))));
        out.println("starting the fleet (berth server, " + FleetUnderTest.AGENTS + " berth agents in network namespaces, registry) ...");
        FleetUnderTest fleet = FleetUnderTest.start(cleanup, 16);
        LocalFleet hosts = fleet.fleet();
        Task client = runOn(fleet, 0);
        Task sameHost = runOn(fleet, 0);
        Task otherHost = runOn(fleet, 1);
        Path scratch = Files.createTempDirectory("berth-netbench");
        cleanup.push("benchmark scratch directory", () -> io.berth.common.files.FileTrees.deleteRecursively(scratch));

        List<NetworkPath> paths = List.of(
                new NetworkPath("underlay: host 0 -> host 1 namespaces", hosts.host(0).namespacePath(), hosts.host(1).namespacePath(), hosts.host(1).address()),
                new NetworkPath("task -> task, same host", namespaceOf(client), namespaceOf(sameHost), addressOf(sameHost)),
                new NetworkPath("task -> task, across hosts (VXLAN)", namespaceOf(client), namespaceOf(otherHost), addressOf(otherHost)));
        List<PathFigures> figures = new ArrayList<>();
        paths.forEach(path -> figures.add(new PathFigures(path, new ArrayList<>(), new ArrayList<>())));
        int rounds = Math.max(1, Math.min(options.iterations(), 5));
        for (int round = 0; round < rounds; round++) {
            out.println("round " + (round + 1) + " of " + rounds + " (load average " + BenchmarkMain.loadAverage() + ") ...");
            for (PathFigures each : figures) {
                each.gigabitsPerSecond().add(throughput(each.path(), scratch));
                each.roundTripMillis().add(roundTrip(each.path(), scratch));
            }
        }

        double underlay = median(figures.get(0).gigabitsPerSecond());
        out.println();
        out.println(String.format(Locale.ROOT, "%-40s %14s %12s %16s", "path", "Gbit/s (p50)", "x underlay", "round trip ms"));
        for (PathFigures each : figures) {
            double gbps = median(each.gigabitsPerSecond());
            out.println(String.format(Locale.ROOT, "%-40s %14.2f %12.2f %16.3f", each.path().name(), gbps, gbps / underlay, median(each.roundTripMillis())));
        }
        double crossHost = median(figures.get(2).gigabitsPerSecond()) / underlay;
        out.println();
        out.println(String.format(Locale.ROOT, "target: cross-host throughput >= %.0f%% of the underlay's: %.0f%% -> %s",
                TARGET_SHARE_OF_UNDERLAY * 100, crossHost * 100, crossHost >= TARGET_SHARE_OF_UNDERLAY ? "MET" : "NOT MET"));
        out.println("cleaning up ...");
    }

    /** One benchmark task on agent index, running. */
    private static Task runOn(FleetUnderTest fleet, int index)
    {
        BenchmarkCluster cluster = fleet.cluster();
        String taskArn = cluster.ecs().runTask(request -> request.cluster(cluster.cluster()).taskDefinition(cluster.taskDefinitionArn()).networkConfiguration(BenchmarkCluster.AWSVPC)
                        .placementConstraints(PlacementConstraint.builder().type(PlacementConstraintType.MEMBER_OF).expression("attribute:rack == rack-" + index).build()))
                .tasks().get(0).taskArn();
        long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Task task = cluster.ecs().describeTasks(request -> request.cluster(cluster.cluster()).tasks(taskArn)).tasks().get(0);
            if (task.lastStatus().equals("RUNNING")) {
                return task;
            }
            if (task.lastStatus().equals("STOPPED")) {
                throw new IllegalStateException("benchmark task stopped: " + task.stoppedReason());
            }
            try {
                Thread.sleep(100);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("benchmark task " + taskArn + " did not run within " + COMMAND_TIMEOUT.toSeconds() + " s");
    }

    private static String addressOf(Task task)
    {
        return task.containers().get(0).networkInterfaces().get(0).privateIpv4Address();
    }

    /** The agents name a task's namespace BRIDGE-TASKID under /run/netns. */
    private static Path namespaceOf(Task task)
            throws IOException
    {
        String taskId = task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1);
        try (Stream<Path> namespaces = Files.list(Path.of("/run/netns"))) {
            return namespaces.filter(path -> path.getFileName().toString().endsWith("-" + taskId)).findFirst()
                    .orElseThrow(() -> new IOException("no network namespace of task " + taskId + " in /run/netns"));
        }
    }

    /** Gbit/s received by an iperf3 server in the path's server namespace from a client in its client namespace. */
    private static double throughput(NetworkPath path, Path scratch)
            throws IOException, InterruptedException
    {
        Process server = new ProcessBuilder(inNamespace(path.serverNamespace(), List.of("/usr/bin/iperf3", "--server", "--one-off", "--bind", path.serverAddress())))
                .redirectErrorStream(true).redirectOutput(scratch.resolve("iperf3-server.log").toFile()).start();
        try {
            Thread.sleep(300); // the server binds its port
            String json = HostCommands.runOrThrow(inNamespace(path.clientNamespace(),
                            List.of("/usr/bin/iperf3", "--client", path.serverAddress(), "--time", Long.toString(IPERF_SECONDS.toSeconds()), "--json")),
                    scratch.resolve("iperf3-client.json"), COMMAND_TIMEOUT);
            double bitsPerSecond = io.berth.common.json.Json.mapper().readTree(json).path("end").path("sum_received").path("bits_per_second").asDouble(-1);
            if (bitsPerSecond < 0) {
                throw new IOException("iperf3 reported no throughput for " + path.name() + ": " + json);
            }
            return bitsPerSecond / 1e9;
        }
        finally {
            server.destroyForcibly().waitFor();
        }
    }

    /** Average round trip in ms of PINGS echoes, each sent as soon as the last was answered. */
    private static double roundTrip(NetworkPath path, Path scratch)
            throws IOException, InterruptedException
    {
        String output = HostCommands.runOrThrow(inNamespace(path.clientNamespace(), List.of("/bin/busybox", "ping", "-A", "-q", "-c", Integer.toString(PINGS), path.serverAddress())),
                scratch.resolve("ping.log"), COMMAND_TIMEOUT);
        // "round-trip min/avg/max = 0.041/0.062/0.301 ms"
        String line = output.lines().filter(each -> each.startsWith("round-trip")).findFirst()
                .orElseThrow(() -> new IOException("ping printed no round trip for " + path.name() + ": " + output));
        return Double.parseDouble(line.substring(line.indexOf('=') + 1).strip().split("/")[1]);
    }

    private static List<String> inNamespace(Path namespace, List<String> command)
    {
        List<String> wrapped = new ArrayList<>(List.of("/usr/bin/nsenter", "--net=" + namespace, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
