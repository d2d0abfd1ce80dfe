package io.berth.cli;

import io.berth.cli.agent.AgentCommand;
import io.berth.cli.commands.AccountCommand;
import io.berth.cli.commands.HostCommand;
import io.berth.cli.commands.BillCommand;
import io.berth.cli.commands.EventsCommand;
import io.berth.cli.commands.ExplainCommand;
import io.berth.cli.commands.HostCommand;
import io.berth.cli.commands.ImageCommand;
import io.berth.cli.commands.LogsCommand;
import io.berth.cli.commands.PsCommand;
import io.berth.cli.commands.RunCommand;
import io.berth.cli.commands.StopCommand;
import io.berth.cli.server.ServerCommand;
import io.berth.cli.up.UpCommand;
import picocli.CommandLine.Command;

/** The top-level berth command; the work is in its subcommands. */
@Command(
        name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = BerthVersion.class,
        description = "Berth: serverless containers on hosts you own, through the Amazon ECS API.",
        subcommands = {
                UpCommand.class,
                ServerCommand.class,
                AgentCommand.class,
                RunCommand.class,
                PsCommand.class,
                LogsCommand.class,
                StopCommand.class,
                ImageCommand.class,
                AccountCommand.class,
                HostCommand.class,
                BillCommand.class,
                EventsCommand.class,
                ExplainCommand.class,
        })
public final class BerthCommand
        implements Runnable
{
    @Override
    public void run()
    {
        new picocli.CommandLine(this).usage(System.out);
    }
}
