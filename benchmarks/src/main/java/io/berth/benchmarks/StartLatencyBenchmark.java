package io.berth.benchmarks;

import java.io.IOException;
import io.berth.agent.runtime.OciRuntime;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The benchmark's entry point: measures the runtime baselines, then a real Berth (sequential starts, then
 * a burst), prints one table with every step's p50 against raw runc's, the target verdict, and the breakdown
 * of a Berth start. Everything it started is removed at the end, also when it fails or is interrupted.
 */
public final class StartLatencyBenchmark
{
    /** The target: Berth's RunTask-to-RUNNING p50 within this multiple of raw runc's (and StopTask's of raw kill + delete). */
    static final double TARGET_RATIO = 2.0;
    /** Issue 12's other targets on this machine: RunTask-to-RUNNING p99, and a burst of 50 all RUNNING and all STOPPED. */
    static final Duration P99_LIMIT = Duration.ofMillis(150);
    static final Duration BURST_LIMIT = Duration.ofSeconds(2);

    private StartLatencyBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, StartLatencyBenchmark::run);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        BenchmarkWorkspace workspace = BenchmarkWorkspace.prepare("Berth start latency benchmark", 1, options, cleanup, out);
        out.println("starting Berth (control plane, agent, registry on loopback) ...");
        BenchmarkCluster berth = BerthUnderTest.start(cleanup, options.runcBinary(), Math.max(64, options.burstTasks() + 16));

        RawRuncStarts rawRunc = new RawRuncStarts(cleanup, options.runcBinary(), workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/raw");
        MonitoredStarts conmon = new MonitoredStarts(cleanup, "conmon", options.runcBinary(), options.conmonBinary(), workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/conmon", false);
        MonitoredStarts overlay = new MonitoredStarts(cleanup, "overlay", options.runcBinary(), options.conmonBinary(), workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/overlay", true);
        MonitoredStarts storage = new MonitoredStarts(cleanup, "storage", options.runcBinary(), options.conmonBinary(), workspace.scratch(), workspace.rootfs(),
                workspace.cgroupParent() + "/storage", true, true);
        BerthSequentialStarts berthStarts = new BerthSequentialStarts(berth, options.pollInterval(), 0);
        List<StartSeries> series = List.of(rawRunc, conmon, overlay, storage, berthStarts);

        out.println("measuring sequential starts: raw runc, conmon + runc, overlay + conmon + runc, the same on task storage, and Berth, one of each per round ...");
        for (int round = 0; round < options.warmups() + options.iterations(); round++) {
            for (StartSeries each : series) {
                each.startOnce(round, round >= options.warmups());
            }
        }
        out.println("measuring a burst of " + options.burstTasks() + " tasks (load average " + BenchmarkMain.loadAverage() + ") ...");
        BurstBenchmark.Result burst = new BurstBenchmark(berth, options.burstTasks(), options.pollInterval(), List.of(), MountPointChecks::measure).run();
        out.println("measuring the burst's floor: " + options.burstTasks() + " raw runc containers at once ...");
        List<Measurement> rawBurst = rawRunc.burst(options.burstTasks());

        List<Measurement> all = new ArrayList<>();
        series.forEach(each -> all.addAll(each.measurements()));
        all.addAll(rawBurst);
        all.addAll(burst.measurements());
        Measurement baseline = Measurement.find(all, RawRuncStarts.STATE_RUNNING);
        ReportTable table = new ReportTable(out);
        table.print("Results (p50 / rb = p50 divided by raw runc's 'run -d + state running' p50)", all, baseline);
        out.println();
        Measurement start = Measurement.find(all, BerthSequentialStarts.runToRunning(BerthUnderTest.NAME));
        table.printTarget(start, baseline, TARGET_RATIO);
        table.printLimit(start, "p99", start.summary().p99(), P99_LIMIT);
        table.printTarget(Measurement.find(all, BerthUnderTest.NAME + ": StopTask -> STOPPED (sequential)"),
                Measurement.find(all, RawRuncStarts.killThenDelete(OciRuntime.runc(options.runcBinary()))), TARGET_RATIO, "raw runc kill + delete");
        for (Measurement whole : burst.measurements()) {
            if (whole.summary().count() == 1) {
                table.printLimit(whole, "time", whole.summary().p50(), BURST_LIMIT);
            }
        }

        table.print("Where a sequential Berth start goes (from DescribeTasks timestamps, millisecond precision)", StartBreakdown.of(berthStarts.samples()), null);
        LogTimeline timeline = LogTimeline.read(BenchmarkMain.ownLogFile(), taskIds(berthStarts), LocalDate.now());
        table.print("The same, split further by the times of Berth's log lines", StartBreakdown.detailed(berthStarts.samples(), timeline), null);
        out.println();
        out.println("CPU while idle, over " + BurstBenchmark.IDLE_WINDOW.toSeconds() + " s (Berth's JVM / the runc processes it ran / forks per second on the whole host):");
        table.printIdle("no task", burst.idleWithoutTasks());
        table.printIdle(options.burstTasks() + " idle tasks", burst.idleWithTasks());
        out.println();
        out.println("cleaning up ...");
    }

    static HashSet<String> taskIds(BerthSequentialStarts starts)
    {
        HashSet<String> ids = new HashSet<>();
        starts.samples().forEach(sample -> ids.add(sample.taskId()));
        return ids;
    }
}
