package io.berth.benchmarks;

import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ResourceLimits;

import java.nio.file.Path;
import java.util.List;

/**
 * The one container every measurement starts: busybox waiting for a signal, in a Fargate-sized task
 * (0.25 vCPU, 512 MiB), so raw runc, conmon + runc and Berth all run the same OCI spec. The shell exits on
 * SIGTERM at once, so stopping never waits for a stop timeout.
 */
final class BenchmarkContainer
{
    static final List<String> COMMAND = List.of("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait");
    static final int CPU_UNITS = 256;
    static final int MEMORY_MIB = 512;

    private BenchmarkContainer() {}

    static ContainerLaunch launch(String containerId, Path rootfs, Path logFile)
    {
        return new ContainerLaunch(
                containerId,
                rootfs,
                COMMAND,
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                "/",
                null,
                containerId.length() > 12 ? containerId.substring(0, 12) : containerId,
                ResourceLimits.fromTaskSize(CPU_UNITS, MEMORY_MIB),
                logFile);
    }
}
