package io.berth.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A container's init process, found from the pid file runc wrote. The pid is trusted only while the process
 * lives (not a zombie) inside a cgroup named after the container, so a reused pid is never taken for it.
 */
final class ContainerProcess
{
    private ContainerProcess() {}

    static OptionalInt livePid(Path pidFile, String containerId)
    {
        try {
            int pid = Integer.parseInt(Files.readString(pidFile).strip());
            Path proc = Path.of("/proc", Integer.toString(pid));
            String stat = Files.readString(proc.resolve("stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
            if (afterName.startsWith("Z") || afterName.startsWith("X")) {
                return OptionalInt.empty();
            }
            if (!Files.readString(proc.resolve("cgroup")).contains("/" + containerId)) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(pid);
        }
        catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
