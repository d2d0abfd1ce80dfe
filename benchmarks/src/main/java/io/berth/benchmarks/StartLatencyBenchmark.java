package io.berth.benchmarks;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.testing.BusyboxRootfs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's entry point: measures the runtime baselines, then a real Berth (sequential starts, then
 * a burst), prints one table with every step's p50 against raw runc's, the target verdict, and the breakdown
 * of a Berth start. Everything it started is removed at the end, also when it fails or is interrupted.
 */
public final class StartLatencyBenchmark
{
    /** The target: Berth's RunTask-to-RUNNING p50 within this multiple of raw runc's. */
    static final double TARGET_RATIO = 3.0;

    private StartLatencyBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(List.of(arguments));
        }
        catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        CleanupStack cleanup = new CleanupStack();
        int exitCode = 0;
        try (cleanup) {
            run(options, cleanup, System.out);
        }
        catch (IOException | RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            exitCode = 1;
        }
        catch (InterruptedException e) {
            System.err.println("bench: interrupted");
            exitCode = 1;
        }
        if (cleanup.shuttingDown()) {
            // the JVM is exiting on a signal; System.exit now would block until the cleanup hook gave up
            System.err.println("bench: stopped by a signal; everything it started is removed");
            return;
        }
        System.exit(exitCode);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        checkPrerequisites(options);
        Path scratch = ScratchDirectories.create(cleanup, "berth-bench");
        out.println("Berth start latency benchmark");
        MachineDescription.describe(options.runcBinary(), options.conmonBinary(), scratch).forEach(line -> out.println("  " + line));
        out.printf(Locale.ROOT, "  %d measured rounds after %d warm-up ones, burst of %d tasks, DescribeTasks every %d ms%n",
                options.iterations(), options.warmups(), options.burstTasks(), options.pollInterval().toMillis());

        String cgroupParent = "berth-bench-" + ProcessHandle.current().pid();
        // pushed after the scratch directory, so it runs before it, and after the containers are gone
        cleanup.push("cgroup " + cgroupParent, () -> CgroupLayout.host().remove(cgroupParent));
        Path rootfs = BusyboxRootfs.create(scratch.resolve("busybox-rootfs"));
        out.println("starting Berth (control plane, agent, registry on loopback) ...");
        BerthUnderTest berth = BerthUnderTest.start(cleanup, options.runcBinary(), Math.max(64, options.burstTasks() + 16));

        RawRuncStarts rawRunc = new RawRuncStarts(cleanup, options.runcBinary(), scratch, rootfs, cgroupParent + "/raw");
        MonitoredStarts conmon = new MonitoredStarts(cleanup, "conmon", options.runcBinary(), options.conmonBinary(), scratch, rootfs, cgroupParent + "/conmon", false);
        MonitoredStarts overlay = new MonitoredStarts(cleanup, "overlay", options.runcBinary(), options.conmonBinary(), scratch, rootfs, cgroupParent + "/overlay", true);
        BerthSequentialStarts berthStarts = new BerthSequentialStarts(berth, options.pollInterval());
        List<StartSeries> series = List.of(rawRunc, conmon, overlay, berthStarts);

        out.println("measuring sequential starts: raw runc, conmon + runc, overlay + conmon + runc and Berth, one of each per round ...");
        for (int round = 0; round < options.warmups() + options.iterations(); round++) {
            for (StartSeries each : series) {
                each.startOnce(round, round >= options.warmups());
            }
        }
        out.println("measuring a burst of " + options.burstTasks() + " tasks ...");
        BurstBenchmark.Result burst = new BurstBenchmark(berth, options.burstTasks(), options.pollInterval()).run();

        List<Measurement> all = new ArrayList<>();
        series.forEach(each -> all.addAll(each.measurements()));
        all.addAll(burst.measurements());
        Measurement baseline = find(all, RawRuncStarts.STATE_RUNNING);
        ReportTable table = new ReportTable(out);
        table.print("Results (p50 / rb = p50 divided by raw runc's 'run -d + state running' p50)", all, baseline);

        Measurement berthStart = find(all, BerthSequentialStarts.RUN_TO_RUNNING);
        double ratio = ReportTable.ratio(berthStart.summary().p50(), baseline.summary().p50());
        out.println();
        out.printf(Locale.ROOT, "Target: Berth RunTask -> RUNNING p50 within %.0fx raw runc p50: %s ms / %s ms = %.1fx -> %s%n",
                TARGET_RATIO, ReportTable.millis(berthStart.summary().p50()), ReportTable.millis(baseline.summary().p50()), ratio,
                ratio <= TARGET_RATIO ? "MET" : "NOT MET");

        table.print("Where a sequential Berth start goes (from DescribeTasks timestamps, millisecond precision)", berthStarts.breakdown(), null);
        out.println();
        out.println("CPU while idle, over " + BurstBenchmark.IDLE_WINDOW.toSeconds() + " s (Berth's JVM / the runc processes it ran / forks per second on the whole host):");
        printIdle(out, "no task", burst.idleWithoutTasks());
        printIdle(out, options.burstTasks() + " idle tasks", burst.idleWithTasks());
        out.println();
        out.println("cleaning up ...");
    }

    private static void printIdle(PrintStream out, String label, ProcessCpu.Use use)
    {
        out.printf(Locale.ROOT, "  %-16s JVM %.2f cores, runc children %.2f cores, %.0f forks/s%n", label, use.ownCores(), use.childCores(), use.forksPerSecond());
    }

    private static Measurement find(List<Measurement> measurements, String step)
    {
        return measurements.stream().filter(measurement -> measurement.step().equals(step)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no measurement of " + step));
    }

    private static void checkPrerequisites(BenchmarkOptions options)
            throws IOException
    {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .map(line -> line.split("\\s+")[1])
                .findFirst().orElse("");
        if (!uid.equals("0")) {
            throw new IOException("run as root (sudo bash scripts/bench.sh): runc, overlay mounts and cgroups need it");
        }
        for (Path binary : List.of(options.runcBinary(), options.conmonBinary())) {
            if (!Files.isExecutable(binary)) {
                throw new IOException(binary + " not found: install Debian's runc and conmon packages (scripts/lib.sh lists them)");
            }
        }
    }
}
