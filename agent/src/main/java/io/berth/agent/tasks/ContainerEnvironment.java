package io.berth.agent.tasks;

import java.util.Map;

/**
 * Environment variables the host gives every container it starts, such as the address of the task metadata
 * endpoint. The image's variables come first, then these, then the task definition's, which win.
 */
@FunctionalInterface
public interface ContainerEnvironment
{
    Map<String, String> forContainer(TaskRecord task, String containerName);

    /** A host that adds nothing. */
    static ContainerEnvironment none()
    {
        return (task, containerName) -> Map.of();
    }
}
