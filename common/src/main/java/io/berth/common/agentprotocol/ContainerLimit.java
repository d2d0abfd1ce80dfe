package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * ECS's ulimit entry: a resource limit (setrlimit) the container's process starts with. name is ECS's lower-case
 * name (nofile, nproc, core, ...); the control plane has checked it and that 0 <= softLimit <= hardLimit.
 */
public record ContainerLimit(String name, long softLimit, long hardLimit)
{
    public ContainerLimit
    {
        requireNonNull(name, "name is null");
        if (softLimit < 0 || hardLimit < 0 || softLimit > hardLimit) {
            throw new IllegalArgumentException("ulimit " + name + ": need 0 <= softLimit (" + softLimit + ") <= hardLimit (" + hardLimit + ")");
        }
    }
}
