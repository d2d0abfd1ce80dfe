/**
 * Root filesystems: one overlayfs mount per container over the shared, read-only image layers. The
 * snapshotter makes and removes mounts; it does not decide how a container runs.
 */
package io.berth.agent.rootfs;
