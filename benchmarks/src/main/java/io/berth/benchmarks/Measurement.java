package io.berth.benchmarks;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** One measured step (e.g. "raw runc: run -d") and the summary of its samples. */
record Measurement(String step, LatencySummary summary)
{
    Measurement
    {
        requireNonNull(step, "step is null");
        requireNonNull(summary, "summary is null");
    }

    static Measurement find(List<Measurement> measurements, String step)
    {
        return measurements.stream().filter(measurement -> measurement.step().equals(step)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no measurement of " + step));
    }

    static Measurement of(String step, List<Duration> samples)
    {
        return new Measurement(step, LatencySummary.of(samples));
    }
}
