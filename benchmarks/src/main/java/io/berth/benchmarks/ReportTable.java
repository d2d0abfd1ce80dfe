package io.berth.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/** Prints measurements as a fixed-width table, with each step's p50 as a multiple of a baseline's p50. */
final class ReportTable
{
    private final PrintStream out;

    ReportTable(PrintStream out)
    {
        this.out = requireNonNull(out, "out is null");
    }

    void print(String title, List<Measurement> measurements, Measurement baseline)
    {
        int width = Math.max(20, measurements.stream().mapToInt(measurement -> measurement.step().length()).max().orElse(0));
        out.println();
        out.println(title);
        String header = "%-" + width + "s %4s %9s %9s %9s %9s %9s %8s%n";
        out.printf(Locale.ROOT, header, "step", "n", "p50 ms", "p90 ms", "p99 ms", "min ms", "max ms", baseline == null ? "" : "p50 / rb");
        out.println("-".repeat(width + 4 + 6 * 10 + 9));
        for (Measurement measurement : measurements) {
            LatencySummary summary = measurement.summary();
            String ratio = baseline == null ? "" : String.format(Locale.ROOT, "%.1fx", ratio(summary.p50(), baseline.summary().p50()));
            out.printf(Locale.ROOT, "%-" + width + "s %4d %9s %9s %9s %9s %9s %8s%n",
                    measurement.step(), summary.count(), millis(summary.p50()), millis(summary.p90()), millis(summary.p99()),
                    millis(summary.min()), millis(summary.max()), ratio);
        }
    }

    /** The target: a start's p50 within targetRatio times the baseline's. */
    void printTarget(Measurement start, Measurement baseline, double targetRatio)
    {
        printTarget(start, baseline, targetRatio, "raw runc");
    }

    /** @param baselineName what the baseline is, as the target line names it */
    void printTarget(Measurement measured, Measurement baseline, double targetRatio, String baselineName)
    {
        double ratio = ratio(measured.summary().p50(), baseline.summary().p50());
        out.printf(Locale.ROOT, "Target: %s p50 within %.0fx %s p50: %s ms / %s ms = %.1fx -> %s%n",
                measured.step(), targetRatio, baselineName, millis(measured.summary().p50()), millis(baseline.summary().p50()), ratio, ratio <= targetRatio ? "MET" : "NOT MET");
    }

    /** A target that is a time, not a ratio: the value (a percentile, or the one time) at most the limit. */
    void printLimit(Measurement measurement, String which, Duration value, Duration limit)
    {
        out.printf(Locale.ROOT, "Target: %s %s at most %s ms: %s ms -> %s%n",
                measurement.step(), which, millis(limit), millis(value), value.compareTo(limit) <= 0 ? "MET" : "NOT MET");
    }

    /** One line of CPU use while idle: Berth's processes, the runc processes they ran and waited for, forks host-wide. */
    void printIdle(String label, ProcessCpu.Use use)
    {
        out.printf(Locale.ROOT, "  %-16s JVM %.2f cores, runc children %.2f cores, %.0f forks/s%n", label, use.ownCores(), use.childCores(), use.forksPerSecond());
    }

    static double ratio(Duration value, Duration baseline)
    {
        return (double) value.toNanos() / Math.max(1, baseline.toNanos());
    }

    static String millis(Duration duration)
    {
        return String.format(Locale.ROOT, "%.1f", duration.toNanos() / 1_000_000.0);
    }
}
