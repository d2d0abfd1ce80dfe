/**
 * Root filesystems: one overlayfs mount per container over the shared, read-only image layers, and each task's
 * own storage (a filesystem of the task's ephemeral storage size on a loop device) that holds the writable layers
 * of its containers. The snapshotter makes and removes mounts; it does not decide how a container runs.
 */
package io.berth.agent.rootfs;
