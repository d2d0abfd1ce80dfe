package io.berth.agent.tasks;

import io.berth.agent.runtime.ContainerHardening;
import io.berth.agent.runtime.ResourceLimit;
import io.berth.common.agentprotocol.ContainerLinuxOptions;

/** The task definition's sandbox settings of a container (as the control plane sent them) in the runtime's terms. */
final class ContainerHardenings
{
    private ContainerHardenings() {}

    static ContainerHardening of(ContainerLinuxOptions options)
    {
        return new ContainerHardening(
                options.readonlyRootFilesystem(),
                options.initProcessEnabled(),
                options.addCapabilities(),
                options.dropCapabilities(),
                options.ulimits().stream().map(limit -> ResourceLimit.fromUlimit(limit.name(), limit.softLimit(), limit.hardLimit())).toList());
    }
}
