package io.berth.benchmarks;

import io.berth.agent.runtime.OciRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The isolation tiers side by side: RunTask-to-RUNNING of the same task at the container tier (runc) and the
 * sandbox tier (gVisor's runsc), next to raw {@code runc run} and raw {@code runsc run} of the same bundle; then a
 * CPU-bound and a syscall-heavy workload under each tier's runtime next to the host. The target: a sandbox start
 * within {@link #TARGET_RATIO} times raw runsc's.
 */
public final class TierBenchmark
{
    static final double TARGET_RATIO = 1.5;
    static final String SANDBOX_NAME = "Berth sandbox";
    private static final int WORKLOAD_REPETITIONS = 3;

    private TierBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, TierBenchmark::run);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        BenchmarkWorkspace workspace = BenchmarkWorkspace.prepare("Berth isolation tier benchmark", 0, options, cleanup, out);
        OciRuntime runc = OciRuntime.runc(options.runcBinary());
        OciRuntime runsc = OciRuntime.runsc(OciRuntime.DEFAULT_RUNSC);
        out.println("  runsc: " + runsc.binary() + " " + String.join(" ", runsc.globalArguments()));
        out.println("starting Berth (control plane, agent with runc and runsc, registry on loopback) ...");
        BerthUnderTest.Started berth = BerthUnderTest.start(cleanup, options.runcBinary(), 16, config -> config.withRunsc(runsc.binary()));
        BenchmarkCluster containerTier = berth.cluster();
        BenchmarkCluster sandboxTier = containerTier.sandboxed(SANDBOX_NAME, berth.image());

        RawRuncStarts rawRunc = new RawRuncStarts(cleanup, runc, workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/raw-runc");
        RawRuncStarts rawRunsc = new RawRuncStarts(cleanup, runsc, workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/raw-runsc");
        BerthSequentialStarts containerStarts = new BerthSequentialStarts(containerTier, options.pollInterval(), 0);
        BerthSequentialStarts sandboxStarts = new BerthSequentialStarts(sandboxTier, options.pollInterval(), 0);
        // each Berth start follows a raw one, never a Berth stop: an agent still finishing the last task's stop takes
        // a new assignment later, which would count against whichever tier came second
        List<StartSeries> series = List.of(rawRunc, containerStarts, rawRunsc, sandboxStarts);

        out.println("measuring sequential starts: raw runc, Berth at the container tier, raw runsc, Berth at the sandbox tier, one of each per round ...");
        for (int round = 0; round < options.warmups() + options.iterations(); round++) {
            for (StartSeries each : series) {
                each.startOnce(round, round >= options.warmups());
            }
        }
        List<Measurement> starts = new ArrayList<>();
        series.forEach(each -> starts.addAll(each.measurements()));
        Measurement rawRunscStart = Measurement.find(starts, RawRuncStarts.stateRunning(runsc));
        ReportTable table = new ReportTable(out);
        table.print("Start latency (p50 / rb = p50 divided by raw runsc's 'run -d + state running' p50)", starts, rawRunscStart);
        out.println();
        Measurement sandboxStart = Measurement.find(starts, BerthSequentialStarts.runToRunning(SANDBOX_NAME));
        double ratio = ReportTable.ratio(sandboxStart.summary().p50(), rawRunscStart.summary().p50());
        out.printf(Locale.ROOT, "Target: %s p50 within %.1fx raw runsc p50: %s ms / %s ms = %.2fx -> %s%n", sandboxStart.step(), TARGET_RATIO,
                ReportTable.millis(sandboxStart.summary().p50()), ReportTable.millis(rawRunscStart.summary().p50()), ratio, ratio <= TARGET_RATIO ? "MET" : "NOT MET");

        out.println();
        out.println("measuring workloads, " + WORKLOAD_REPETITIONS + " runs each on the host, under runc and under runsc (load average " + BenchmarkMain.loadAverage() + ") ...");
        WorkloadRuns workloads = new WorkloadRuns(cleanup, workspace.scratch(), workspace.rootfs(), workspace.cgroupParent() + "/workloads");
        for (WorkloadRuns.Workload workload : List.of(WorkloadRuns.CPU_BOUND, WorkloadRuns.SYSCALL_HEAVY)) {
            List<Duration> host = new ArrayList<>();
            List<Duration> container = new ArrayList<>();
            List<Duration> sandbox = new ArrayList<>();
            for (int i = 0; i < WORKLOAD_REPETITIONS; i++) {
                host.add(workloads.onHost(workload));
                container.add(workloads.inContainer(runc, workload));
                sandbox.add(workloads.inContainer(runsc, workload));
            }
            Measurement onHost = Measurement.of("host", host);
            table.print(workload.name() + " (time inside, busybox time -p; p50 / rb = p50 divided by the host's)",
                    List.of(onHost, Measurement.of("container tier (runc)", container), Measurement.of("sandbox tier (runsc)", sandbox)), onHost);
        }
        out.println();
        out.println("cleaning up ...");
    }
}
