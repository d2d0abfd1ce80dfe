package io.berth.agent.rootfs;

import io.berth.agent.userns.IdMapping;
import io.berth.agent.userns.LinuxSyscalls;
import io.berth.agent.userns.UserNamespaceFile;
import io.berth.agent.userns.UserNamespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Shows the shared image layers to a container in a user namespace as its owners appear inside: an idmapped,
 * read-only mount of each layer directory, through a user namespace with the task's mapping, so a file the
 * image gives to root (on disk uid 0) appears owned by the task's host uid and container root may change it
 * (overlayfs copies it up). Costs no copy of the layers and no disk: one mount per layer, under the
 * container's own snapshot directory, where removing the snapshot unmounts it. (runc 1.1.5 cannot idmap the
 * rootfs itself, and overlayfs takes idmapped lower layers since Linux 5.19.)
 */
final class IdmappedMounts
{
    private final UserNamespaces userNamespaces;
    private final MountTable mountTable;

    IdmappedMounts(UserNamespaces userNamespaces, MountTable mountTable)
    {
        this.userNamespaces = requireNonNull(userNamespaces, "userNamespaces is null");
        this.mountTable = requireNonNull(mountTable, "mountTable is null");
    }

    /** Makes the user namespace of mapping ahead of need: see {@link UserNamespaces#makeAhead}. */
    void makeAhead(IdMapping mapping)
            throws IOException
    {
        userNamespaces.makeAhead(mapping);
    }

    /**
     * Mounts each layer idmapped at targets' matching directory (made here), skipping targets already mounted
     * (a prepare cut short before). One user namespace serves every layer of the call.
     */
    void mount(List<Path> layers, List<Path> targets, IdMapping mapping)
            throws IOException
    {
        if (layers.size() != targets.size()) {
            throw new IllegalArgumentException(layers.size() + " layers for " + targets.size() + " mount points");
        }
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < layers.size(); index++) {
            // one statx a layer (see MountTable), where a read of the table is a line per mount on the host
            if (!mountTable.isMountPoint(Files.createDirectories(targets.get(index)))) {
                missing.add(index);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (UserNamespaceFile userNamespace = userNamespaces.open(mapping)) {
            for (int index : missing) {
                LinuxSyscalls.mountIdmapped(layers.get(index), targets.get(index), userNamespace.descriptor(), true);
            }
        }
    }
}
