package io.berth.cli.agent;

import io.berth.agent.network.CniNetworkConfig;
import picocli.CommandLine.Option;

/** Where the tasks' network interfaces go (a picocli mixin): `berth agent` and `berth up` both run tasks on this host. */
public final class TaskNetworkOptions
{
    @Option(names = "--bridge", paramLabel = "NAME", description = "Linux bridge the tasks' network interfaces attach to (default: ${DEFAULT-VALUE}).",
            defaultValue = CniNetworkConfig.DEFAULT_BRIDGE)
    String bridgeName;

    @Option(names = "--subnet", paramLabel = "CIDR", description = "IPv4 range the tasks' addresses come from (default: ${DEFAULT-VALUE}).",
            defaultValue = CniNetworkConfig.DEFAULT_SUBNET)
    String subnet;

    public String bridgeName()
    {
        return bridgeName;
    }

    public String subnet()
    {
        return subnet;
    }
}
