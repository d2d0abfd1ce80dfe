package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;

/** berth host cordon HOST (POST /berth/hosts/HOST/cordon). */
@Command(name = "cordon", mixinStandardHelpOptions = true, description = "Stop placing new tasks on a host; its tasks keep running.")
public final class HostCordonCommand
        extends HostStateChangeCommand
{
    public HostCordonCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        return changeState("cordon", Json.mapper().createObjectNode(), "cordoned: it gets no new tasks");
    }
}
