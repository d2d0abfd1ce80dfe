package io.berth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pauses a JVM's collector made, read from its {@code -Xlog:gc} file: how many, their sum, the longest, and the
 * share of the JVM's uptime they took. Every collector's pause line ends in its length ("Pause Young (Normal) ...
 * 24M->8M(64M) 3.456ms"); the concurrent phases of G1 are not pauses and are not counted.
 */
record GcPauses(String collector, int count, Duration total, Duration longest, Duration uptime)
{
    private static final Pattern UPTIME = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?)s]");
    private static final Pattern PAUSE = Pattern.compile("\\bPause .* (\\d+(?:\\.\\d+)?)ms$");
    private static final Pattern USING = Pattern.compile("Using (.+)$");

    /** The option that makes a JVM write the log this reads, one file per process in the directory. */
    static String logOption(Path directory)
    {
        return "-Xlog:gc:file=" + directory.resolve("gc-%p.log");
    }

    static GcPauses read(Path log)
            throws IOException
    {
        return parse(Files.readAllLines(log));
    }

    static GcPauses parse(List<String> lines)
    {
        String collector = "unknown collector";
        int count = 0;
        long totalMicros = 0;
        long longestMicros = 0;
        double uptimeSeconds = 0;
        for (String line : lines) {
            Matcher uptime = UPTIME.matcher(line);
            if (uptime.find()) {
                uptimeSeconds = Math.max(uptimeSeconds, Double.parseDouble(uptime.group(1)));
            }
            Matcher using = USING.matcher(line);
            if (using.find()) {
                collector = using.group(1);
                continue;
            }
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                long micros = Math.round(Double.parseDouble(pause.group(1)) * 1000);
                count++;
                totalMicros += micros;
                longestMicros = Math.max(longestMicros, micros);
            }
        }
        return new GcPauses(collector, count, Duration.ofNanos(totalMicros * 1000), Duration.ofNanos(longestMicros * 1000),
                Duration.ofMillis(Math.round(uptimeSeconds * 1000)));
    }

    /** "G1: 154 pauses, 2.5 s in all (1.3 % of 199 s), the longest 62 ms". */
    String describe()
    {
        double share = uptime.isZero() ? 0 : 100.0 * total.toNanos() / uptime.toNanos();
        return String.format(Locale.ROOT, "%s: %d pauses, %.1f s in all (%.1f %% of %d s), the longest %d ms", collector, count, total.toNanos() / 1e9, share,
                uptime.toSeconds(), longest.toMillis());
    }
}
