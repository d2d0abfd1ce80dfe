package io.berth.cli.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this machine can hold, in ECS units: 1024 cpu units per core, memory in MiB. */
public final class HostCapacity
{
    private HostCapacity() {}

    public static int cpuUnits()
    {
        return Runtime.getRuntime().availableProcessors() * 1024;
    }

    public static long memoryMiB()
    {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            // fall through: report what the JVM can see
        }
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }
}
