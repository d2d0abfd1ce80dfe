package io.berth.benchmarks;

import java.io.IOException;
import java.util.List;

/**
 * One way of starting the benchmark container, one start at a time. The benchmark interleaves the series
 * (one start of each per round), so a change in the load of a shared machine touches every series alike
 * and the ratios between them hold.
 */
interface StartSeries
{
    /** Starts the container once, checks it runs, removes it; keeps the timings when measured. */
    void startOnce(int round, boolean measured)
            throws IOException, InterruptedException;

    List<Measurement> measurements();
}
