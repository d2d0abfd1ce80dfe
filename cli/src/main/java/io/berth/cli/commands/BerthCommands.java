package io.berth.cli.commands;

import picocli.CommandLine;

import java.util.List;
import java.util.Map;

/** The commands of this package, for the top-level `berth` command to list, and the settings they need. */
public final class BerthCommands
{
    private BerthCommands() {}

    /** run, ps, logs, stop, image (import), account (create), bill, host (ls, cordon, uncordon, drain, token), explain, events. */
    public static List<Class<?>> subcommandClasses()
    {
        return List.of(RunCommand.class, PsCommand.class, LogsCommand.class, StopCommand.class, ImageCommand.class, AccountCommand.class, BillCommand.class,
                HostCommand.class, ExplainCommand.class, EventsCommand.class);
    }

    /** Applies what the commands rely on to a root command line that has them as subcommands: one-line errors without stack traces. */
    public static CommandLine configure(CommandLine root)
    {
        return configure(root, System.getenv());
    }

    /** As {@link #configure(CommandLine)}, for a command whose caller has this environment (BERTH_DEBUG). */
    public static CommandLine configure(CommandLine root, Map<String, String> callerEnvironment)
    {
        root.setExecutionExceptionHandler(new BerthExceptionHandler(callerEnvironment.get("BERTH_DEBUG") != null));
        return root;
    }

    /** Runs a command line on a configured root; see {@link RunArguments} for how `berth run` reads its arguments. */
    public static int execute(CommandLine root, String... args)
    {
        return root.execute(RunArguments.separateCommand(root, args));
    }
}
