package io.berth.agent.runtime;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Everything needed to start one container. args/env/workingDir/user are final (image config and task
 * overrides already merged); user may be a name or uid[:gid] and is resolved against the rootfs.
 * logFile is where the monitor writes stdout and stderr with timestamps.
 */
public record ContainerLaunch(
        String containerId,
        Path rootfs,
        List<String> args,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        ResourceLimits limits,
        Path logFile)
{
    public ContainerLaunch
    {
        requireNonNull(containerId, "containerId is null");
        requireNonNull(rootfs, "rootfs is null");
        args = List.copyOf(args);
        env = List.copyOf(env);
        requireNonNull(limits, "limits is null");
        requireNonNull(logFile, "logFile is null");
    }
}
