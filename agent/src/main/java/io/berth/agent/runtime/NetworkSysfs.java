package io.berth.agent.runtime;

import io.berth.agent.rootfs.MountTable;
import io.berth.agent.userns.LinuxSyscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A sysfs mounted from inside a network namespace, for a container in a user namespace that joins it: sysfs
 * shows the network devices of the namespace it is mounted from, and only the namespace's owner (the host) may
 * mount one, so the agent mounts it (in its own mount namespace, {@link LinuxSyscalls#mountSysfsOf}: no process
 * to start, which under load costs more than the mount) and the container gets a read-only bind of it.
 */
final class NetworkSysfs
{
    private final MountTable mountTable;

    NetworkSysfs(MountTable mountTable)
    {
        this.mountTable = requireNonNull(mountTable, "mountTable is null");
    }

    /** Mounts it at target (made here) unless it is there already. */
    void mount(Path networkNamespace, Path target)
            throws IOException
    {
        Files.createDirectories(target);
        if (mountTable.isMountPoint(target)) {
            return;
        }
        try {
            LinuxSyscalls.mountSysfsOf(networkNamespace.toAbsolutePath(), target.toAbsolutePath());
        }
        catch (IOException e) {
            throw new IOException("cannot mount the task network's sysfs at " + target + ": " + e.getMessage(), e);
        }
    }

    /** Unmounts it; nothing to do when it is not mounted. A busy one is detached (the kernel lets go when it is free). */
    void unmount(Path target)
            throws IOException
    {
        if (!mountTable.isMountPoint(target)) {
            return;
        }
        try {
            LinuxSyscalls.unmount(target.toAbsolutePath(), false);
        }
        catch (IOException e) {
            LinuxSyscalls.unmount(target.toAbsolutePath(), true);
        }
    }
}
