package io.berth.cli.commands;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** berth host: groups the host subcommands (operator only). */
@Command(name = "host", mixinStandardHelpOptions = true, description = "Manage the hosts of the fleet: list, cordon, uncordon, drain, interrupt spot tasks, remove, join tokens, rolling patches (operator only).",
        subcommands = {HostListCommand.class, HostCordonCommand.class, HostUncordonCommand.class, HostDrainCommand.class, HostInterruptSpotCommand.class, HostRemoveCommand.class, HostTokenCommand.class, HostRotateCommand.class, HostRotateCallKeyCommand.class, HostPatchCommand.class, HostUpgradeCommand.class})
public final class HostCommand
        implements Runnable
{
    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: use `berth host ls`, `berth host cordon HOST`, `berth host uncordon HOST`, `berth host drain HOST`, `berth host interrupt-spot HOST`, `berth host rm HOST`, `berth host token` or `berth host patch`");
    }
}
