package io.berth.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** How much to measure; the defaults are the figures docs/benchmarks.md reports. */
record BenchmarkOptions(int iterations, int warmups, int burstTasks, Duration pollInterval, Path runcBinary, Path conmonBinary)
{
    static final String USAGE = "usage: bench [--iterations N (50)] [--warmups N (3)] [--burst N (50)] [--poll-ms N (10)] [--runc PATH] [--conmon PATH]";

    BenchmarkOptions
    {
        if (iterations < 1 || warmups < 0 || burstTasks < 1 || burstTasks > 500) {
            throw new IllegalArgumentException("iterations must be at least 1, warmups at least 0 and burst between 1 and 500");
        }
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(runcBinary, "runcBinary is null");
        requireNonNull(conmonBinary, "conmonBinary is null");
    }

    static BenchmarkOptions parse(List<String> arguments)
    {
        int iterations = 50;
        int warmups = 3;
        int burst = 50;
        long pollMillis = 10;
        Path runc = Path.of("/usr/sbin/runc");
        Path conmon = Path.of("/usr/bin/conmon");
        for (int i = 0; i < arguments.size(); i++) {
            String option = arguments.get(i);
            if (i + 1 >= arguments.size()) {
                throw new IllegalArgumentException("missing value for " + option + "; " + USAGE);
            }
            String value = arguments.get(++i);
            try {
                switch (option) {
                    case "--iterations" -> iterations = Integer.parseInt(value);
                    case "--warmups" -> warmups = Integer.parseInt(value);
                    case "--burst" -> burst = Integer.parseInt(value);
                    case "--poll-ms" -> pollMillis = Long.parseLong(value);
                    case "--runc" -> runc = Path.of(value);
                    case "--conmon" -> conmon = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
                }
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, not '" + value + "'");
            }
        }
        return new BenchmarkOptions(iterations, warmups, burst, Duration.ofMillis(pollMillis), runc, conmon);
    }
}
