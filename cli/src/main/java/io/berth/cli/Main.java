package io.berth.cli;

import io.berth.cli.client.BerthClientFactory;
import io.berth.cli.commands.BerthCommandFactory;
import io.berth.cli.commands.BerthCommands;
import picocli.CommandLine;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Entry point of the berth command. */
public final class Main
{
    private Main() {}

    /** slf4j-simple's setting; read once, when the first logger is made. */
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    public static void main(String[] args)
    {
        quietLibraryLogsUnlessUp(args);
        System.exit(run(args));
    }

    /**
     * Only `berth up` is a server whose log a user reads. The other commands print what they have to say
     * themselves; INFO lines from the code they call (the image importer, ...) would be noise on stderr.
     */
    private static void quietLibraryLogsUnlessUp(String[] args)
    {
        boolean up = args.length > 0 && args[0].equals("up");
        if (!up && System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
    }

    public static int run(String... args)
    {
        return run(System.getenv(), args);
    }

    /** Runs a command configured by environment instead of this process's (the AOT training run gives its own). */
    public static int run(Map<String, String> environment, String... args)
    {
        BerthClientFactory clients = BerthClientFactory.fromEnvironment(environment);
        CommandLine commandLine = new CommandLine(
                new BerthCommand(),
                new BerthCommandFactory(clients, Optional.of(new RegistryImageImport(environment, clients)), Clock.systemUTC()));
        BerthCommand.addSubcommands(commandLine, args);
        BerthCommands.configure(commandLine);
        return BerthCommands.execute(commandLine, args);
    }
}
