package io.berth.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The conmon process of a container, found from its pid file. A pid is trusted only while its command line
 * still names conmon and the container, so a reused pid is never signalled; a zombie counts as gone.
 */
final class MonitorProcess
{
    private MonitorProcess() {}

    static OptionalInt livePid(Path pidFile, String containerId)
    {
        OptionalInt pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return pid;
        }
        Path proc = Path.of("/proc", Integer.toString(pid.getAsInt()));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).strip();
            if (afterName.startsWith("Z") || afterName.startsWith("X")) {
                return OptionalInt.empty();
            }
            String commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
            if (!commandLine.contains("conmon") || !commandLine.contains(containerId)) {
                return OptionalInt.empty();
            }
            return pid;
        }
        catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    static boolean isAlive(Path pidFile, String containerId)
    {
        return livePid(pidFile, containerId).isPresent();
    }

    /**
     * Kills conmon and what it still runs: a runtime create that hangs would otherwise outlive it (its children first,
     * so none is handed to another parent on the way).
     */
    static void kill(Path pidFile, String containerId)
    {
        livePid(pidFile, containerId).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(monitor -> {
            monitor.descendants().toList().reversed().forEach(ProcessHandle::destroyForcibly);
            monitor.destroyForcibly();
        }));
    }

    private static OptionalInt readPid(Path pidFile)
    {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(pidFile).strip()));
        }
        catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
