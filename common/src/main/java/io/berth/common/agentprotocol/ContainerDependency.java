package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * ECS's dependsOn entry: the container named containerName must reach condition before the container that
 * lists it may start. START: it has started; COMPLETE: it has exited; SUCCESS: it has exited with 0;
 * HEALTHY: its health check has passed (it needs a healthCheck; the control plane checks that at registration).
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
