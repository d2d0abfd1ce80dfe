package io.berth.common.agentprotocol;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One task volume mounted into one container: the task-scoped volume named volume (a directory in the task's
 * ephemeral storage, shared by every container of the task that mounts it) at the absolute containerPath,
 * read-only when readOnly. The control plane resolves volumesFrom into these, so the agent sees only mounts.
 */
public record VolumeMount(String volume, String containerPath, boolean readOnly)
{
    /** ECS's volume names: up to 255 letters, numbers, hyphens and underscores. */
    public static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    public VolumeMount
    {
        requireNonNull(volume, "volume is null");
        requireNonNull(containerPath, "containerPath is null");
        if (!VOLUME_NAME.matcher(volume).matches()) {
            throw new IllegalArgumentException("invalid volume name: " + volume);
        }
        if (!containerPath.startsWith("/")) {
            throw new IllegalArgumentException("containerPath must be absolute: " + containerPath);
        }
    }
}
