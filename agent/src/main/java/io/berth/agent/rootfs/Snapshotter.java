package io.berth.agent.rootfs;

import java.nio.file.Path;
import java.util.List;

/** Writable root filesystems over read-only layers, one per key (a container id). */
public interface Snapshotter
{
    /**
     * Makes (or returns the existing) root filesystem for key: the layers, lowest first, under a private
     * writable upper directory. Returns the mounted rootfs directory.
     */
    Path prepare(String key, List<Path> layers)
            throws java.io.IOException;

    /** Unmounts and deletes everything of key. Succeeds if it is already gone, or half made. */
    void remove(String key)
            throws java.io.IOException;

    /** The keys that have something on disk, so leftovers can be found after a crash. */
    List<String> keys()
            throws java.io.IOException;
}
