/**
 * Root filesystems: one overlayfs mount per container over the shared, read-only image layers; for a container
 * in a user namespace, over idmapped mounts of those layers, so the image's owners show through the task's id
 * mapping without a copy. Each task's own storage (a filesystem of the task's ephemeral storage size on a loop
 * device) holds the writable layers of its containers. The snapshotter makes and removes mounts; it does not
 * decide how a container runs.
 */
package io.berth.agent.rootfs;
