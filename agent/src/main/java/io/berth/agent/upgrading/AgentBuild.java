package io.berth.agent.upgrading;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A Berth build installed on this host: its directory, the jars of its class path in order, and the version it says it is. */
public record AgentBuild(Path directory, List<Path> classPath, String version)
{
    public AgentBuild
    {
        requireNonNull(directory, "directory is null");
        classPath = List.copyOf(classPath);
        if (classPath.isEmpty()) {
            throw new IllegalArgumentException("a build needs a jar");
        }
        requireNonNull(version, "version is null");
    }

    /** The class path as java's -cp takes it. */
    public String classPathArgument()
    {
        return String.join(":", classPath.stream().map(Path::toString).toList());
    }
}
