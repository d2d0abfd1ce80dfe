package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * ECS's dependsOn entry: the container named containerName must reach condition before the container that
 * lists it may start. START: it has started; COMPLETE: it has exited; SUCCESS: it has exited with 0;
 * HEALTHY: it passed its health check (not supported yet, refused when the task definition is registered).
 */
public record ContainerDependency(String containerName, Condition condition)
{
    public enum Condition { START, COMPLETE, SUCCESS, HEALTHY }

    public ContainerDependency
    {
        requireNonNull(containerName, "containerName is null");
        requireNonNull(condition, "condition is null");
    }
}
