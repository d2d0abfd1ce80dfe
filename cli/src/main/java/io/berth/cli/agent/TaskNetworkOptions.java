package io.berth.cli.agent;

import io.berth.agent.network.CniNetworkConfig;
import picocli.CommandLine.Option;

/**
 * Where the tasks' network interfaces go (a picocli mixin): `berth agent` and `berth up` both run tasks on this host.
 * The addresses are not chosen here: the control plane gives each host its slice of the task CIDR.
 */
public final class TaskNetworkOptions
{
    @Option(names = "--bridge", paramLabel = "NAME", description = "Linux bridge the tasks' network interfaces attach to (default: ${DEFAULT-VALUE}).",
            defaultValue = CniNetworkConfig.DEFAULT_BRIDGE)
    String bridgeName;

    public String bridgeName()
    {
        return bridgeName;
    }
}
