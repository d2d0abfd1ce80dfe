package io.berth.agent.tasks;

import io.berth.agent.rootfs.TaskStorage;
import io.berth.agent.runtime.VolumeBind;
import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.SearchablePaths;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.VolumeMount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The task's volumes on this host: a directory per volume in the task's storage (so they count against its
 * ephemeral storage and are removed with it), owned by the container root of the task (the first id of its user
 * namespace range, or host root for a task without one, such as a gVisor sandbox whose sentry serves its files),
 * mode 755 as Docker makes a fresh volume. Made when a container that mounts one starts; idempotent, so a restarted
 * agent and the second container of a task find the directory as the first left it.
 */
final class TaskVolumes
{
    private TaskVolumes() {}

    static List<VolumeBind> binds(TaskStorage storage, String taskId, ContainerSpec spec, IdMapping idMapping)
            throws IOException
    {
        if (spec.mountPoints().isEmpty()) {
            return List.of();
        }
        Path root = storage.volumeRoot(taskId);
        List<VolumeBind> binds = new ArrayList<>();
        for (VolumeMount mount : spec.mountPoints()) {
            binds.add(new VolumeBind(directory(root, mount.volume(), idMapping), mount.containerPath(), mount.readOnly()));
        }
        return binds;
    }

    private static Path directory(Path root, String volume, IdMapping idMapping)
            throws IOException
    {
        Path directory = root.resolve(volume);
        if (!directory.normalize().getParent().equals(root.normalize())) {
            throw new IOException("invalid volume name: " + volume);
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            Path made = root.resolve("." + volume + ".new");
            Files.deleteIfExists(made);
            Files.createDirectory(made, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            long owner = idMapping == null ? 0 : idMapping.toHost(0);
            Files.setAttribute(made, "unix:uid", (int) owner);
            Files.setAttribute(made, "unix:gid", (int) owner);
            // made whole under another name, then renamed: a crash never leaves a volume owned by the wrong user
            Files.move(made, directory);
        }
        if (idMapping != null) {
            // runc binds it from inside the task's user namespace
            SearchablePaths.check(directory);
        }
        return directory;
    }
}
