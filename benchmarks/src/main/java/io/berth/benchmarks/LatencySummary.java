package io.berth.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** Percentiles of a set of measured durations, by the nearest-rank method (no interpolation). */
public record LatencySummary(int count, Duration min, Duration p50, Duration p90, Duration p99, Duration max)
{
    public LatencySummary
    {
        requireNonNull(min, "min is null");
        requireNonNull(p50, "p50 is null");
        requireNonNull(p90, "p90 is null");
        requireNonNull(p99, "p99 is null");
        requireNonNull(max, "max is null");
    }

    public static LatencySummary of(List<Duration> samples)
    {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Duration> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return new LatencySummary(
                sorted.size(),
                sorted.get(0),
                percentile(sorted, 50),
                percentile(sorted, 90),
                percentile(sorted, 99),
                sorted.get(sorted.size() - 1));
    }

    private static Duration percentile(List<Duration> sorted, int percent)
    {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
