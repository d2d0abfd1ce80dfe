package io.berth.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RunTask-to-RUNNING across three real agents: `berth server` and three `berth agent` processes, each agent in its
 * own network namespace ({@link FleetUnderTest}), measured in the same run and interleaved with raw runc and the
 * all-in-one Berth, so the three series see the same load. Sequential starts use spread on instanceId; then a
 * burst on the fleet and the same burst on the all-in-one. The report splits a remote start by the task's
 * timestamps and by the server's and agents' log lines (long-poll wake-up, sync round trips).
 */
public final class FleetStartBenchmark
{
    /** On three agents with spread, this many tasks stay running, so each start goes to the agent holding none. */
    private static final int FLEET_TASKS_LEFT_RUNNING = FleetUnderTest.AGENTS - 1;

    private FleetStartBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, FleetStartBenchmark::run);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        BenchmarkWorkspace workspace = BenchmarkWorkspace.prepare("Berth fleet start latency benchmark", 2, options, cleanup, out);
        int maxConnections = Math.max(64, options.burstTasks() + 16);
        out.println("starting the all-in-one Berth (control plane, agent, registry on loopback, in this JVM) ...");
        BenchmarkCluster allInOne = BerthUnderTest.start(cleanup, options.runcBinary(), maxConnections);
        out.println("starting the fleet (berth server, " + FleetUnderTest.AGENTS + " berth agents in network namespaces, registry) ...");
        FleetUnderTest fleet = FleetUnderTest.start(cleanup, maxConnections);

        RawRuncStarts rawRunc = new RawRuncStarts(cleanup, options.runcBinary(), workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/raw");
        BerthSequentialStarts allInOneStarts = new BerthSequentialStarts(allInOne, options.pollInterval(), 0);
        BerthSequentialStarts fleetStarts = new BerthSequentialStarts(fleet.cluster(), options.pollInterval(), FLEET_TASKS_LEFT_RUNNING);
        List<StartSeries> series = List.of(rawRunc, allInOneStarts, fleetStarts);

        out.println("measuring sequential starts: raw runc, all-in-one Berth and the fleet, one of each per round (load average " + BenchmarkMain.loadAverage() + ") ...");
        for (int round = 0; round < options.warmups() + options.iterations(); round++) {
            for (StartSeries each : series) {
                each.startOnce(round, round >= options.warmups());
            }
        }
        fleetStarts.stopRemaining();
        out.println("measuring a burst of " + options.burstTasks() + " tasks on the fleet (load average " + BenchmarkMain.loadAverage() + ") ...");
        BurstBenchmark.Result fleetBurst = new BurstBenchmark(fleet.cluster(), options.burstTasks(), options.pollInterval(), fleet.processIds()).run();
        out.println("measuring a burst of " + options.burstTasks() + " tasks on the all-in-one Berth (load average " + BenchmarkMain.loadAverage() + ") ...");
        BurstBenchmark.Result allInOneBurst = new BurstBenchmark(allInOne, options.burstTasks(), options.pollInterval(), List.of()).run();

        List<Measurement> all = new ArrayList<>();
        series.forEach(each -> all.addAll(each.measurements()));
        all.addAll(fleetBurst.measurements());
        all.addAll(allInOneBurst.measurements());
        Measurement baseline = Measurement.find(all, RawRuncStarts.STATE_RUNNING);
        ReportTable table = new ReportTable(out);
        table.print("Results (p50 / rb = p50 divided by raw runc's 'run -d + state running' p50)", all, baseline);
        out.println();
        table.printTarget(Measurement.find(all, BerthSequentialStarts.runToRunning(BerthUnderTest.NAME)), baseline, StartLatencyBenchmark.TARGET_RATIO);
        table.printTarget(Measurement.find(all, BerthSequentialStarts.runToRunning(FleetUnderTest.NAME)), baseline, StartLatencyBenchmark.TARGET_RATIO);

        out.println();
        out.println("Sequential fleet starts by agent (spread on instanceId): " + describe(fleet, fleetStarts.startsPerHost()));
        out.println("Fleet burst tasks by agent while all ran: " + describe(fleet, fleetBurst.tasksPerHost()));

        LocalDate today = LocalDate.now();
        table.print("Where a sequential fleet start goes (task timestamps)", StartBreakdown.of(fleetStarts.samples()), null);
        table.print("Where a sequential fleet start goes (task timestamps and the server's and agents' log lines)",
                StartBreakdown.detailed(fleetStarts.samples(), LogTimeline.read(fleet.logFiles(), StartLatencyBenchmark.taskIds(fleetStarts), today)), null);
        table.print("Where a sequential all-in-one start goes (task timestamps and Berth's log lines)",
                StartBreakdown.detailed(allInOneStarts.samples(), LogTimeline.read(BenchmarkMain.ownLogFile(), StartLatencyBenchmark.taskIds(allInOneStarts), today)), null);

        out.println();
        out.println("CPU while idle, over " + BurstBenchmark.IDLE_WINDOW.toSeconds() + " s (Berth's JVMs / the runc processes they ran / forks per second on the whole host):");
        table.printIdle("fleet, no task", fleetBurst.idleWithoutTasks());
        table.printIdle("fleet, " + options.burstTasks() + " tasks", fleetBurst.idleWithTasks());
        table.printIdle("all-in-one, none", allInOneBurst.idleWithoutTasks());
        table.printIdle("all-in-one, " + options.burstTasks(), allInOneBurst.idleWithTasks());
        out.println();
        out.println("cleaning up ...");
    }

    private static String describe(FleetUnderTest fleet, Map<String, Integer> perHost)
            throws IOException
    {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : perHost.entrySet()) {
            parts.add(fleet.describeHost(entry.getKey()) + ": " + entry.getValue());
        }
        return String.join(", ", parts);
    }
}
