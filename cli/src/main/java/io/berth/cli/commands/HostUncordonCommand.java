package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import picocli.CommandLine.Command;

/** berth host uncordon HOST (POST /berth/hosts/HOST/uncordon). */
@Command(name = "uncordon", mixinStandardHelpOptions = true, description = "Let a cordoned or draining host take new tasks again.")
public final class HostUncordonCommand
        extends HostStateChangeCommand
{
    public HostUncordonCommand(BerthClientFactory clients)
    {
        super(clients);
    }

    @Override
    public Integer call()
    {
        return changeState("uncordon", Json.mapper().createObjectNode(), "uncordoned: it takes new tasks again");
    }
}
