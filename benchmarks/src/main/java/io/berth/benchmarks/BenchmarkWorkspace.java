package io.berth.benchmarks;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.testing.BusyboxRootfs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * What every start benchmark sets up before it measures: a scratch directory, a cgroup parent for its raw
 * containers and a busybox rootfs, each removed by the cleanup stack; and the report's header, which names
 * the machine and the settings.
 */
record BenchmarkWorkspace(Path scratch, String cgroupParent, Path rootfs)
{
    BenchmarkWorkspace
    {
        requireNonNull(scratch, "scratch is null");
        requireNonNull(cgroupParent, "cgroupParent is null");
        requireNonNull(rootfs, "rootfs is null");
    }

    /** Prints the title and the settings; {@code bursts} is how many bursts the benchmark measures (0: none), for the wording. */
    static BenchmarkWorkspace prepare(String title, int bursts, BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        Path scratch = ScratchDirectories.create(cleanup, "berth-bench");
        out.println(title);
        MachineDescription.describe(options.runcBinary(), options.conmonBinary(), scratch).forEach(line -> out.println("  " + line));
        String burst = bursts == 0 ? "" : String.format(Locale.ROOT, ", %s of %d tasks", bursts == 1 ? "burst" : "bursts", options.burstTasks());
        out.printf(Locale.ROOT, "  %d measured rounds after %d warm-up ones%s, DescribeTasks every %d ms%n",
                options.iterations(), options.warmups(), burst, options.pollInterval().toMillis());

        String cgroupParent = "berth-bench-" + ProcessHandle.current().pid();
        // pushed after the scratch directory, so it runs before it, and after the containers are gone
        cleanup.push("cgroup " + cgroupParent, () -> CgroupLayout.host().remove(cgroupParent));
        Path rootfs = BusyboxRootfs.create(scratch.resolve("busybox-rootfs"));
        return new BenchmarkWorkspace(scratch, cgroupParent, rootfs);
    }
}
