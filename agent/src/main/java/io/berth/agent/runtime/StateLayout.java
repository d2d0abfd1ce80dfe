package io.berth.agent.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Where the runtime keeps everything of its containers, all under one state directory so that several
 * agents on a host never share a file:
 * <pre>
 * bundles/ID/   config.json, hosts, hostname, conmon.pid, container.pid, runc.log, conmon.log, oom-killed
 * exits/ID      the exit code, written by conmon when the container's init process ends
 * runc/         the runtime's --root (runc keeps a directory ID/ there, runsc files ID_sandbox:ID.state and .lock)
 * sockets/      conmon's attach sockets
 * </pre>
 */
final class StateLayout
{
    static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path stateDirectory;

    StateLayout(Path stateDirectory)
    {
        this.stateDirectory = requireNonNull(stateDirectory, "stateDirectory is null").toAbsolutePath().normalize();
    }

    static String checkContainerId(String containerId)
    {
        requireNonNull(containerId, "containerId is null");
        if (!CONTAINER_ID.matcher(containerId).matches()) {
            throw new IllegalArgumentException("invalid container id: " + containerId);
        }
        return containerId;
    }

    Path bundles()
    {
        return stateDirectory.resolve("bundles");
    }

    Path bundle(String containerId)
    {
        return bundles().resolve(containerId);
    }

    Path exits()
    {
        return stateDirectory.resolve("exits");
    }

    Path exitFile(String containerId)
    {
        return exits().resolve(containerId);
    }

    Path runcRoot()
    {
        return stateDirectory.resolve("runc");
    }

    /** Whether the runtime has state for the container in its root, in runc's layout or runsc's. */
    boolean runtimeStateExists(String containerId)
    {
        return Files.exists(runcRoot().resolve(containerId)) || Files.exists(runcRoot().resolve(containerId + "_sandbox:" + containerId + ".state"));
    }

    Path sockets()
    {
        return stateDirectory.resolve("sockets");
    }

    Path conmonPidFile(String containerId)
    {
        return bundle(containerId).resolve("conmon.pid");
    }

    Path containerPidFile(String containerId)
    {
        return bundle(containerId).resolve("container.pid");
    }

    /** Written once the container was started, so status checks can skip runc while the process lives. */
    Path startedMarker(String containerId)
    {
        return bundle(containerId).resolve("started");
    }

    Path runcLog(String containerId)
    {
        return bundle(containerId).resolve("runc.log");
    }

    Path conmonLog(String containerId)
    {
        return bundle(containerId).resolve("conmon.log");
    }

    Path oomVerdict(String containerId)
    {
        return bundle(containerId).resolve("oom-killed");
    }
}
