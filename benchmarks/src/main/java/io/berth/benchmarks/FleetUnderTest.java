package io.berth.benchmarks;

import io.berth.testing.BerthJvm;
import io.berth.testing.BerthProcess;
import io.berth.testing.LocalFleet;
import io.berth.testing.LocalFleetOptions;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A real fleet ({@link LocalFleet}): `berth server` and three `berth agent` processes, each agent in its own
 * network namespace, run with the `berth` launcher's JVM options, and the {@link BenchmarkCluster} on it, whose
 * tasks ask for spread on instanceId. Each agent offers room for the burst (the benchmark tasks sleep, so the
 * capacity is accounting only). Its cleanup stops every task, stops the processes, sweeps what a failed stop
 * could leave ({@link FleetLeftovers}) and removes the registry, the network namespaces and the directory.
 */
final class FleetUnderTest
{
    static final String NAME = "Fleet";
    static final int AGENTS = 3;
    private static final int AGENT_CPU_UNITS = 8192;
    private static final long AGENT_MEMORY_MIB = 16384;
    /** Berth logs its steps (info: the berth command logs warnings only by default) with a time of day, to the millisecond, for {@link LogTimeline}. */
    private static final List<String> LOG_OPTIONS = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

    private final LocalFleet fleet;
    private final BenchmarkCluster cluster;

    private FleetUnderTest(LocalFleet fleet, BenchmarkCluster cluster)
    {
        this.fleet = requireNonNull(fleet, "fleet is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    static FleetUnderTest start(CleanupStack cleanup, int maxConnections)
            throws IOException, InterruptedException
    {
        return start(cleanup, maxConnections, (index, network) -> List.of());
    }

    /** As {@link #start(CleanupStack, int)}, with further options for each agent (an ingress host, attributes). */
    static FleetUnderTest start(CleanupStack cleanup, int maxConnections, LocalFleetOptions.AgentArguments agentArguments)
            throws IOException, InterruptedException
    {
        return start(cleanup, maxConnections, agentArguments, UnaryOperator.identity());
    }

    /** As {@link #start(CleanupStack, int, LocalFleetOptions.AgentArguments)}, with the fleet's options changed by tuning (e.g. several control planes). */
    static FleetUnderTest start(CleanupStack cleanup, int maxConnections, LocalFleetOptions.AgentArguments agentArguments, UnaryOperator<LocalFleetOptions> tuning)
            throws IOException, InterruptedException
    {
        List<String> jvmOptions = new ArrayList<>(BerthJvm.BERTH_SCRIPT_OPTIONS);
        jvmOptions.addAll(LOG_OPTIONS);
        LocalFleet fleet = LocalFleet.start(tuning.apply(new LocalFleetOptions(AGENTS, AGENT_CPU_UNITS, AGENT_MEMORY_MIB, "bench/busybox:latest", BerthJvm.current(jvmOptions),
                List.of(), agentArguments)));
        cleanup.push("fleet (registry, network namespaces, directory)", fleet::close);
        cleanup.push("copy of the fleet's logs", () -> keepLogs(fleet));
        cleanup.push("leftovers of the fleet's agents", () -> FleetLeftovers.sweep(fleet));
        cleanup.push("fleet processes", fleet::stopProcesses);
        Map<String, String> operator = fleet.operatorEnvironment();
        BenchmarkCluster cluster = BenchmarkCluster.create(cleanup, NAME, fleet.endpoint(), operator.get("AWS_ACCESS_KEY_ID"), operator.get("AWS_SECRET_ACCESS_KEY"),
                maxConnections, fleet.image(), List.of(PlacementStrategy.builder().type(PlacementStrategyType.SPREAD).field("instanceId").build()));
        // pushed last, so it runs first: stop the tasks through the control plane while every process is up
        cleanup.push("fleet tasks", () -> StopAllTasks.stop(cluster));
        return new FleetUnderTest(fleet, cluster);
    }

    BenchmarkCluster cluster()
    {
        return cluster;
    }

    /** The fleet's processes and test hosts (network namespaces with their addresses). */
    LocalFleet fleet()
    {
        return fleet;
    }

    /** The server's and agents' process ids, whose CPU is the fleet's. */
    List<Long> processIds()
    {
        List<Long> ids = new ArrayList<>();
        fleet.server().pid().ifPresent(ids::add);
        for (int i = 0; i < fleet.size(); i++) {
            fleet.agent(i).pid().ifPresent(ids::add);
        }
        return ids;
    }

    /** The server's and agents' log files. */
    List<Path> logFiles()
            throws IOException
    {
        try (Stream<Path> files = Files.list(fleet.root())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    /** The agent's index in the fleet (0, 1, 2) for a host id, for the report. */
    String describeHost(String hostId)
            throws IOException
    {
        for (int i = 0; i < fleet.size(); i++) {
            if (fleet.hostId(i).equals(hostId)) {
                return "agent " + i + " (" + fleet.host(i).address() + ")";
            }
        }
        return hostId;
    }

    /** The server's and agents' logs go away with the fleet's directory: copies go beside the benchmark's own log. */
    private static void keepLogs(LocalFleet fleet)
            throws IOException
    {
        List<Path> ownLog = BenchmarkMain.ownLogFile();
        if (ownLog.isEmpty() || !Files.isDirectory(fleet.root())) {
            return;
        }
        Path directory = ownLog.get(0).toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(fleet.root())) {
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(file, directory.resolve("bench-fleet-" + file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    BerthProcess server()
    {
        return fleet.server();
    }
}
