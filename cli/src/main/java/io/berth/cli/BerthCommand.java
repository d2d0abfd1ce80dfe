package io.berth.cli;

import io.berth.cli.agent.AgentCommand;
import io.berth.cli.commands.AccountCommand;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Set;

/**
 * The top-level berth command; the work is in its subcommands, which {@link #addSubcommands} adds on demand
 * rather than through the annotation.
 */
@Command(
        name = "berth",
        mixinStandardHelpOptions = true,
        versionProvider = BerthVersion.class,
        description = "Berth: serverless containers on hosts you own, through the Amazon ECS API.")
public final class BerthCommand
        implements Runnable
{
    /** The subcommands, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
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
            ExplainCommand.class);

    private static final Set<String> VERSION_OPTIONS = Set.of("-V", "--version");

    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Adds the subcommands a call with these arguments needs to the root command line. picocli reads every option
     * of a command by reflection when the command is added, and doing that for every command was most of what a
     * `berth ps` spent before it sent its first request: a call that names a subcommand gets that one alone,
     * `--version` none, and anything else (help, no arguments, a misspelt name) all of them, to list them or to
     * suggest the nearest.
     */
    static CommandLine addSubcommands(CommandLine root, String... args)
    {
        List<Class<?>> needed = subcommandsFor(args);
        for (Class<?> subcommand : needed) {
            root.addSubcommand(commandName(subcommand), subcommand);
        }
        return root;
    }

    static List<Class<?>> subcommandsFor(String... args)
    {
        if (args.length > 0 && VERSION_OPTIONS.contains(args[0])) {
            return List.of();
        }
        if (args.length > 0) {
            for (Class<?> subcommand : SUBCOMMANDS) {
                if (commandName(subcommand).equals(args[0])) {
                    return List.of(subcommand);
                }
            }
        }
        return SUBCOMMANDS;
    }

    private static String commandName(Class<?> subcommand)
    {
        return subcommand.getAnnotation(Command.class).name();
    }
}
