package io.berth.agent.runtime;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How a container's sandbox differs from the default one: a read-only root filesystem, an init process as
 * PID 1 (tini, which reaps zombies and forwards signals), capabilities added to and dropped from
 * {@link OciSpecBuilder#DEFAULT_CAPABILITIES} (names without CAP_; "ALL" in drop drops every one), and
 * resource limits, of which a given nofile replaces the default one.
 */
public record ContainerHardening(
        boolean readonlyRootfs,
        boolean runInit,
        List<String> addCapabilities,
        List<String> dropCapabilities,
        List<ResourceLimit> resourceLimits)
{
    public static final ContainerHardening DEFAULT = new ContainerHardening(false, false, List.of(), List.of(), List.of());

    public ContainerHardening
    {
        addCapabilities = List.copyOf(requireNonNull(addCapabilities, "addCapabilities is null"));
        dropCapabilities = List.copyOf(requireNonNull(dropCapabilities, "dropCapabilities is null"));
        resourceLimits = List.copyOf(requireNonNull(resourceLimits, "resourceLimits is null"));
    }
}
