package io.berth.agent.runtime;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A host directory bind-mounted into a container: a task volume (source, in the task's storage) at the absolute
 * destination in the container, read-only when readOnly.
 */
public record VolumeBind(Path source, String destination, boolean readOnly)
{
    public VolumeBind
    {
        requireNonNull(source, "source is null");
        requireNonNull(destination, "destination is null");
        if (!source.isAbsolute()) {
            throw new IllegalArgumentException("source must be absolute: " + source);
        }
        if (!destination.startsWith("/") || destination.equals("/")) {
            throw new IllegalArgumentException("destination must be an absolute path below /: " + destination);
        }
    }
}
