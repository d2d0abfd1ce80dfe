package io.berth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time of Berth's processes (this JVM, where the all-in-one runs, or the fleet's server and agent JVMs) and
 * of their finished child processes (every runc an agent runs), from /proc/PID/stat, to tell what Berth costs
 * while tasks just sit there. conmon double-forks away from the agent, so its time is not counted: it sleeps
 * while its container runs.
 */
record ProcessCpu(long ownTicks, long childrenTicks, long nanos, long forks)
{
    /** The kernel's USER_HZ, which /proc reports in; 100 on every Linux architecture Berth runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** CPU used between two samples, in cores (1.0 = one core busy the whole time), and processes forked per second host-wide. */
    record Use(double ownCores, double childCores, double forksPerSecond) {}

    /** The processes' CPU time so far; no process ids means this JVM. */
    static ProcessCpu now(List<Long> processIds)
            throws IOException
    {
        List<String> processes = processIds.isEmpty() ? List.of("self") : processIds.stream().map(String::valueOf).toList();
        long own = 0;
        long children = 0;
        for (String process : processes) {
            String[] fields = statFields(Path.of("/proc", process, "stat"));
            // utime, stime, cutime, cstime are fields 14-17 of the line, 12-15 after the command name
            own += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            children += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        long forks = Files.readAllLines(Path.of("/proc/stat")).stream()
                .filter(line -> line.startsWith("processes "))
                .mapToLong(line -> Long.parseLong(line.substring("processes ".length()).strip()))
                .findFirst().orElse(0);
        return new ProcessCpu(own, children, System.nanoTime(), forks);
    }

    /** The fields of a /proc/PID/stat (or /proc/PID/task/TID/stat) line after the command name. */
    static String[] statFields(Path stat)
            throws IOException
    {
        String line = Files.readString(stat);
        // the command name is in parentheses and may hold spaces
        return line.substring(line.lastIndexOf(')') + 2).split(" ");
    }

    Use since(ProcessCpu earlier)
    {
        double seconds = (nanos - earlier.nanos) / 1e9;
        return new Use(
                (ownTicks - earlier.ownTicks) / TICKS_PER_SECOND / seconds,
                (childrenTicks - earlier.childrenTicks) / TICKS_PER_SECOND / seconds,
                (forks - earlier.forks) / seconds);
    }
}
