package io.berth.agent.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writable storage per task, capped at the task's size: it holds the writable layer (overlayfs upper and work
 * directories) of every container of the task, so together they can write that much and no more, and a task that
 * fills its storage harms neither the host nor another task.
 */
public interface TaskStorage
{
    /**
     * Makes the task's storage of sizeGiB, with a directory for each key (a container's snapshot key) in it. When
     * the task already has its storage (an agent restart), keeps it and only adds the missing key directories.
     * Nothing is left behind when it fails.
     */
    void create(String taskId, int sizeGiB, List<String> keys)
            throws IOException;

    /**
     * The directory of the task's volumes (one directory per volume in it), inside its storage, so that what the
     * task writes to its volumes counts against its size and goes with it. Fails when the task has no storage.
     */
    Path volumeRoot(String taskId)
            throws IOException;

    /** Releases everything of the task's storage. Succeeds when it is already gone, or half made. */
    void remove(String taskId)
            throws IOException;

    /** The tasks that have storage on this host, so that leftovers can be found after a crash. */
    List<String> taskIds()
            throws IOException;
}
