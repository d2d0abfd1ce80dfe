package io.berth.benchmarks;

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
        try (CleanupStack cleanup = new CleanupStack()) {
            run(options, cleanup, System.out);
        }
        catch (IOException | RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            System.exit(1);
        }
        catch (InterruptedException e) {
            System.err.println("bench: interrupted");
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        checkPrerequisites(options);
        Path scratch = ScratchDirectories.create(cleanup, "berth-bench");
        out.println("Berth start latency benchmark");
        MachineDescription.describe(options.runcBinary(), options.conmonBinary(), scratch).forEach(line -> out.println("  " + line));
        out.printf(Locale.ROOT, "  %d measured iterations after %d warm-up ones, burst of %d tasks, DescribeTasks every %d ms%n",
                options.iterations(), options.warmups(), options.burstTasks(), options.pollInterval().toMillis());

        out.println("measuring raw runc, conmon + runc, overlay + conmon + runc ...");
        List<Measurement> baselines = new RuntimeBaselineBenchmark(cleanup, options.runcBinary(), options.conmonBinary(), options.iterations(), options.warmups()).run();

        out.println("starting Berth (control plane, agent, registry) ...");
        BerthUnderTest berth = BerthUnderTest.start(cleanup, options.runcBinary(), Math.max(64, options.burstTasks() + 16));
        out.println("measuring sequential RunTask -> RUNNING ...");
        SequentialStartBenchmark.Result sequential = new SequentialStartBenchmark(berth, options.iterations(), options.warmups(), options.pollInterval()).run();
        out.println("measuring a burst of " + options.burstTasks() + " tasks ...");
        List<Measurement> burst = new BurstBenchmark(berth, options.burstTasks(), options.pollInterval()).run();

        Measurement rawRunc = find(baselines, RuntimeBaselineBenchmark.RAW_RUNC_RUNNING);
        List<Measurement> all = new ArrayList<>(baselines);
        all.addAll(sequential.measurements());
        all.addAll(burst);
        ReportTable table = new ReportTable(out);
        table.print("Results (p50 / rb = p50 divided by raw runc's 'run -d + state running' p50)", all, rawRunc);

        Measurement berthStart = find(sequential.measurements(), SequentialStartBenchmark.RUN_TO_RUNNING);
        double ratio = ReportTable.ratio(berthStart.summary().p50(), rawRunc.summary().p50());
        out.println();
        out.printf(Locale.ROOT, "Target: Berth RunTask -> RUNNING p50 within %.0fx raw runc p50: %s ms / %s ms = %.1fx -> %s%n",
                TARGET_RATIO, ReportTable.millis(berthStart.summary().p50()), ReportTable.millis(rawRunc.summary().p50()), ratio,
                ratio <= TARGET_RATIO ? "MET" : "NOT MET");

        table.print("Where a sequential Berth start goes (from DescribeTasks timestamps, millisecond precision)", sequential.breakdown(), null);
        out.println();
        out.println("cleaning up ...");
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
