package io.berth.agent.rootfs;

import io.berth.agent.userns.IdMapping;

import java.nio.file.Path;
import java.util.List;

/** Writable root filesystems over read-only layers, one per key (a container id). */
public interface Snapshotter
{
    /** As {@link #prepare(String, List, IdMapping)} for a container without a user namespace. */
    default Path prepare(String key, List<Path> layers)
            throws java.io.IOException
    {
        return prepare(key, layers, null);
    }

    /**
     * Makes (or returns the existing) root filesystem for key: the layers, lowest first, under a private
     * writable upper directory. Returns the mounted rootfs directory. With an idMapping (a container in a user
     * namespace), files appear owned as the container sees them through that mapping: owned by container root
     * where the image has root, and what the container writes belongs to the mapped host ids.
     */
    Path prepare(String key, List<Path> layers, IdMapping idMapping)
            throws java.io.IOException;

    /**
     * Makes ahead of need what a root filesystem with idMapping will take (its user namespace), so that the prepare
     * of the next task given that mapping runs no process.
     */
    void prepareAhead(IdMapping idMapping)
            throws java.io.IOException;

    /** Unmounts and deletes everything of key. Succeeds if it is already gone, or half made. */
    void remove(String key)
            throws java.io.IOException;

    /** The keys that have something on disk, so leftovers can be found after a crash. */
    List<String> keys()
            throws java.io.IOException;
}
