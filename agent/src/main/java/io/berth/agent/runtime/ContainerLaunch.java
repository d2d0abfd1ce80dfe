package io.berth.agent.runtime;

import io.berth.agent.userns.IdMapping;
import io.berth.common.agentprotocol.IsolationTier;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Everything needed to start one container. args/env/workingDir/user are final (image config and task
 * overrides already merged); user may be a name or uid[:gid] and is resolved against the rootfs.
 * logFile is where the monitor writes stdout and stderr with timestamps. networkNamespacePath, when not
 * null, is the task's network namespace (e.g. /var/run/netns/task-1) to join; when null the container
 * gets a new network namespace with only loopback. hardening says how the sandbox differs from the default.
 * idMapping, when not null, puts the container in a user namespace of its own whose root is that range of host
 * ids (the rootfs must show the image's files through the same mapping); null runs it without one (a runtime
 * that is itself the boundary, such as gVisor, decides so). isolation is the tier the container runs at, which
 * picks the OCI runtime (see {@link TieredRuntime}). volumes are the task volumes bind-mounted into the container.
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
        Path logFile,
        Path networkNamespacePath,
        ContainerHardening hardening,
        IdMapping idMapping,
        IsolationTier isolation,
        List<VolumeBind> volumes)
{
    public ContainerLaunch
    {
        requireNonNull(containerId, "containerId is null");
        requireNonNull(rootfs, "rootfs is null");
        args = List.copyOf(args);
        env = List.copyOf(env);
        requireNonNull(limits, "limits is null");
        requireNonNull(logFile, "logFile is null");
        requireNonNull(hardening, "hardening is null");
        requireNonNull(isolation, "isolation is null");
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /** A container that mounts no task volume. */
    public ContainerLaunch(String containerId, Path rootfs, List<String> args, List<String> env, String workingDir, String user, String hostname,
            ResourceLimits limits, Path logFile, Path networkNamespacePath, ContainerHardening hardening, IdMapping idMapping, IsolationTier isolation)
    {
        this(containerId, rootfs, args, env, workingDir, user, hostname, limits, logFile, networkNamespacePath, hardening, idMapping, isolation, List.of());
    }

    /** A container at the container tier, without a user namespace. */
    public ContainerLaunch(
            String containerId,
            Path rootfs,
            List<String> args,
            List<String> env,
            String workingDir,
            String user,
            String hostname,
            ResourceLimits limits,
            Path logFile,
            Path networkNamespacePath,
            ContainerHardening hardening)
    {
        this(containerId, rootfs, args, env, workingDir, user, hostname, limits, logFile, networkNamespacePath, hardening, null, IsolationTier.CONTAINER);
    }

    /** A container in a network namespace of its own, with only loopback. */
    public ContainerLaunch(
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
        this(containerId, rootfs, args, env, workingDir, user, hostname, limits, logFile, null, ContainerHardening.DEFAULT, null, IsolationTier.CONTAINER);
    }

    public ContainerLaunch withIdMapping(IdMapping mapping)
    {
        return new ContainerLaunch(containerId, rootfs, args, env, workingDir, user, hostname, limits, logFile, networkNamespacePath, hardening, mapping, isolation, volumes);
    }

    public ContainerLaunch withIsolation(IsolationTier tier)
    {
        return new ContainerLaunch(containerId, rootfs, args, env, workingDir, user, hostname, limits, logFile, networkNamespacePath, hardening, idMapping, tier, volumes);
    }
}
