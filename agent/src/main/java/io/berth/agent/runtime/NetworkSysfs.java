package io.berth.agent.runtime;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.agent.rootfs.MountTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A sysfs mounted from inside a network namespace, for a container in a user namespace that joins it: sysfs
 * shows the network devices of the namespace it is mounted from, and only the namespace's owner (the host) may
 * mount one, so the agent mounts it ({@code nsenter --net=NS mount -t sysfs}, in the agent's own mount
 * namespace) and the container gets a read-only bind of it. Each step has a deadline.
 */
final class NetworkSysfs
{
    static final Duration DEADLINE = Duration.ofSeconds(10);

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
        run(List.of("nsenter", "--net=" + networkNamespace.toAbsolutePath(), "--",
                "mount", "-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs", target.toAbsolutePath().toString()), "mount the task network's sysfs at " + target);
    }

    /** Unmounts it; nothing to do when it is not mounted. A busy one is detached (the kernel lets go when it is free). */
    void unmount(Path target)
            throws IOException
    {
        if (!mountTable.isMountPoint(target)) {
            return;
        }
        try {
            run(List.of("umount", target.toAbsolutePath().toString()), "unmount " + target);
        }
        catch (IOException e) {
            run(List.of("umount", "-l", target.toAbsolutePath().toString()), "unmount " + target);
        }
    }

    private static void run(List<String> command, String what)
            throws IOException
    {
        ProcessOutput output;
        try {
            output = HostProcess.run(command, DEADLINE);
        }
        catch (UncheckedIOException e) {
            throw new IOException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        }
        if (!output.succeeded()) {
            throw new IOException("cannot " + what + ": " + (output.stderr().strip() + " " + output.stdout().strip()).strip());
        }
    }
}
