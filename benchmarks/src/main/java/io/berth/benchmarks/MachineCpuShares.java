package io.berth.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went between two snapshots: the control plane's processes (and the share of them its JIT
 * compiler threads took), this JVM (the benchmark's load and, in the scale benchmark, every simulated agent),
 * PostgreSQL's processes, and the rest; from /proc. On a machine where all of them share the cores, a throughput that
 * stops growing is told apart from a control plane that ran out of work by these shares.
 */
record MachineCpuShares(long machineTicks, long serverTicks, long compilerTicks, long selfTicks, long postgresTicks, long nanos)
{
    private static final double TICKS_PER_SECOND = 100.0;

    static MachineCpuShares now(List<Long> serverPids)
    {
        long server = 0;
        long compiler = 0;
        for (long pid : serverPids) {
            server += ownTicks(Path.of("/proc", Long.toString(pid), "stat"));
            compiler += compilerTicks(pid);
        }
        return new MachineCpuShares(busyTicks(), server, compiler, ownTicks(Path.of("/proc/self/stat")), postgresProcessTicks(), System.nanoTime());
    }

    /** The shares since earlier, in cores, as a line. */
    String since(MachineCpuShares earlier)
    {
        double seconds = (nanos - earlier.nanos) / 1e9;
        double machine = cores(machineTicks - earlier.machineTicks, seconds);
        double server = cores(serverTicks - earlier.serverTicks, seconds);
        double compiler = cores(compilerTicks - earlier.compilerTicks, seconds);
        double self = cores(selfTicks - earlier.selfTicks, seconds);
        double postgres = cores(postgresTicks - earlier.postgresTicks, seconds);
        return String.format(Locale.ROOT, "the machine's %d cores: %.2f busy; control plane %.2f (of which its JIT compiler threads %.2f), "
                        + "this benchmark's JVM (the load and the simulated agents) %.2f, PostgreSQL %.2f, the rest %.2f",
                Runtime.getRuntime().availableProcessors(), machine, server, compiler, self, postgres, Math.max(0, machine - server - self - postgres));
    }

    private static double cores(long ticks, double seconds)
    {
        return ticks / TICKS_PER_SECOND / seconds;
    }

    /** Every core's time not idle nor waiting on I/O, from /proc/stat's first line. */
    private static long busyTicks()
    {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal: idle (4) and iowait (5) are left out
            for (int field = 1; field <= 8 && field < fields.length; field++) {
                if (field != 4 && field != 5) {
                    busy += Long.parseLong(fields[field]);
                }
            }
            return busy;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process's or thread's own user and system time; 0 when it is gone. */
    private static long ownTicks(Path stat)
    {
        try {
            String[] fields = ProcessCpu.statFields(stat);
            // utime and stime, as ProcessCpu reads them
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        catch (NoSuchFileException e) {
            return 0;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String command(Path directory)
    {
        try {
            return Files.readString(directory.resolve("comm")).strip();
        }
        catch (IOException e) {
            // gone between the listing and the read
            return "";
        }
    }

    /** The JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre" as the kernel shortens them). */
    private static long compilerTicks(long pid)
    {
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return threads.filter(thread -> command(thread).contains("CompilerThre"))
                    .mapToLong(thread -> ownTicks(thread.resolve("stat")))
                    .sum();
        }
        catch (NoSuchFileException e) {
            return 0;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every live PostgreSQL process on this machine (the server and its backends; the benchmark's pool keeps them alive). */
    private static long postgresProcessTicks()
    {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(process -> process.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(process -> command(process).equals("postgres"))
                    .mapToLong(process -> ownTicks(process.resolve("stat")))
                    .sum();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
