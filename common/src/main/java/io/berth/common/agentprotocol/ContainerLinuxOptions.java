package io.berth.common.agentprotocol;

import java.util.List;

/**
 * The Linux settings of one container that narrow or shape its sandbox, as the task definition gives them and
 * the control plane has checked them: a read-only root filesystem, an init process as PID 1 (reaps zombies,
 * forwards signals), capabilities added to and dropped from the default set (ECS names without CAP_, "ALL"
 * allowed in drop), resource limits, and a soft memory limit in MiB (null for none). A field missing from an
 * older peer's message takes the default, which is what Berth did before these settings existed.
 */
public record ContainerLinuxOptions(
        boolean readonlyRootFilesystem,
        boolean initProcessEnabled,
        List<String> addCapabilities,
        List<String> dropCapabilities,
        List<ContainerLimit> ulimits,
        Integer memoryReservationMiB)
{
    public static final ContainerLinuxOptions DEFAULT = new ContainerLinuxOptions(false, false, List.of(), List.of(), List.of(), null);

    public ContainerLinuxOptions
    {
        addCapabilities = addCapabilities == null ? List.of() : List.copyOf(addCapabilities);
        dropCapabilities = dropCapabilities == null ? List.of() : List.copyOf(dropCapabilities);
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        if (memoryReservationMiB != null && memoryReservationMiB <= 0) {
            throw new IllegalArgumentException("memoryReservationMiB must be positive: " + memoryReservationMiB);
        }
    }
}
