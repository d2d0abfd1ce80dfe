package io.berth.agent.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's CPU counters as Docker reports them beside a container's: system_cpu_usage is the time all
 * CPUs spent busy or idle (the "cpu" line of /proc/stat, every field up to steal) in nanoseconds, and
 * online_cpus the number of "cpuN" lines. Tools compute a container's CPU share from the two.
 */
public record HostCpuStat(long systemCpuNanos, int onlineCpus)
{
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture Berth runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    /** user, nice, system, idle, iowait, irq, softirq, steal; guest time is already inside user and nice. */
    private static final int COUNTED_FIELDS = 8;

    public static HostCpuStat read()
    {
        try {
            return parse(Files.readString(PROC_STAT));
        }
        catch (IOException e) {
            return new HostCpuStat(0, Runtime.getRuntime().availableProcessors());
        }
    }

    static HostCpuStat parse(String procStat)
    {
        long ticks = 0;
        int cpus = 0;
        for (String line : procStat.lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields[0].equals("cpu")) {
                for (int i = 1; i <= COUNTED_FIELDS && i < fields.length; i++) {
                    ticks += Long.parseLong(fields[i]);
                }
            }
            else if (fields[0].startsWith("cpu")) {
                cpus++;
            }
        }
        return new HostCpuStat(ticks * NANOS_PER_TICK, cpus);
    }
}
