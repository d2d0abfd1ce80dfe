package io.berth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the figures were measured on: cores, memory, kernel, cgroup layout, runc and conmon versions. */
final class MachineDescription
{
    private MachineDescription() {}

    static List<String> describe(Path runcBinary, Path conmonBinary, Path scratch)
            throws IOException, InterruptedException
    {
        long memoryMiB = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                .findFirst().orElse(-1L);
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        boolean unified = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        return List.of(
                "cpus: " + Runtime.getRuntime().availableProcessors() + ", memory: " + memoryMiB + " MiB, kernel: " + kernel
                        + ", cgroups: " + (unified ? "v2" : "v1 (hybrid)"),
                "runc: " + firstLine(List.of(runcBinary.toString(), "--version"), scratch),
                "conmon: " + firstLine(List.of(conmonBinary.toString(), "--version"), scratch),
                "java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                "load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static String firstLine(List<String> command, Path scratch)
            throws IOException, InterruptedException
    {
        Path output = scratch.resolve("version.out");
        String text = HostCommands.run(command, output, Duration.ofSeconds(10)).output();
        return text.lines().findFirst().orElse("unknown").strip();
    }
}
