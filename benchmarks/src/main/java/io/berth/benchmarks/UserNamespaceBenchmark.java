package io.berth.benchmarks;

import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.IdRangePool;
import io.berth.agent.userns.SearchablePaths;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost of user namespaces, one run: a task container's rootfs and start steps in a network namespace, with a
 * user namespace (idmapped layers, mappings, the namespace's sysfs) and without, round by round in turn, and what
 * a container's snapshot takes on disk either way, next to what the alternative, an id-shifted copy of the
 * layers per range, would take.
 */
public final class UserNamespaceBenchmark
{
    private UserNamespaceBenchmark() {}

    public static void main(String[] arguments)
    {
        BenchmarkMain.run(arguments, UserNamespaceBenchmark::run);
    }

    private static void run(BenchmarkOptions options, CleanupStack cleanup, PrintStream out)
            throws IOException, InterruptedException
    {
        BenchmarkWorkspace workspace = BenchmarkWorkspace.prepare("Berth user namespace cost benchmark", 1, options, cleanup, out);
        // the container's root (an unprivileged host uid) must be able to search the way to its files
        SearchablePaths.allowSearch(workspace.scratch());
        String namespace = "berth-bench-userns-" + ProcessHandle.current().pid();
        Path output = workspace.scratch().resolve("ip.txt");
        HostCommands.runOrThrow(List.of("ip", "netns", "add", namespace), output, Duration.ofSeconds(30));
        cleanup.push("network namespace " + namespace, () -> HostCommands.run(List.of("ip", "netns", "del", namespace), output, Duration.ofSeconds(30)));
        Path networkNamespace = Path.of("/var/run/netns", namespace);

        UserNamespaceStarts without = new UserNamespaceStarts(cleanup, "plain", options, workspace.scratch(), workspace.rootfs(),
                workspace.cgroupParent() + "/plain", networkNamespace, null);
        IdMapping mapping = IdRangePool.DEFAULT.slot(IdRangePool.DEFAULT.count() - 1);
        UserNamespaceStarts with = new UserNamespaceStarts(cleanup, "userns", options, workspace.scratch(), workspace.rootfs(),
                workspace.cgroupParent() + "/userns", networkNamespace, mapping);

        out.println("measuring sequential starts in a network namespace, without and with a user namespace in turn ...");
        for (int round = 0; round < options.warmups() + options.iterations(); round++) {
            without.startOnce(round, round >= options.warmups());
            with.startOnce(round, round >= options.warmups());
        }
        List<Measurement> all = new ArrayList<>(without.measurements());
        all.addAll(with.measurements());
        new ReportTable(out).print("Results (p50 / rb = p50 divided by the start without a user namespace)", all, Measurement.find(all, without.step()));
        Measurement plain = Measurement.find(all, without.step());
        Measurement mapped = Measurement.find(all, with.step());
        out.printf(Locale.ROOT, "%nStart-latency cost of a user namespace: p50 %s ms -> %s ms (%+.1f ms, %.2fx)%n",
                ReportTable.millis(plain.summary().p50()), ReportTable.millis(mapped.summary().p50()),
                mapped.summary().p50().minus(plain.summary().p50()).toNanos() / 1_000_000.0, ReportTable.ratio(mapped.summary().p50(), plain.summary().p50()));
        long imageKilobytes = UserNamespaceStarts.kilobytesOnDisk(workspace.rootfs());
        out.printf(Locale.ROOT, "Disk per running container's snapshot (du -skx, mounts excluded): %d KiB without, %d KiB with a user namespace (idmapped layers copy nothing)%n",
                without.snapshotKilobytes(), with.snapshotKilobytes());
        out.printf(Locale.ROOT, "For comparison, an id-shifted copy of the image's layers would take %d KiB per range in use (this image; a 100 MiB image: 100 MiB per task)%n",
                imageKilobytes);
        out.println();
        out.println("cleaning up ...");
    }
}
