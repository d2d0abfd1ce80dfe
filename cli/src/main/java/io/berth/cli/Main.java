package io.berth.cli;

import io.berth.cli.client.BerthClientFactory;
import io.berth.cli.client.SharedHttpClients;
import io.berth.cli.commands.BerthCommandFactory;
import io.berth.cli.commands.BerthCommands;
import io.berth.cli.commands.Interruptions;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

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
        return run(environment, Optional.empty(), Interruptions.jvmShutdown(), args);
    }

    /**
     * Runs a command on behalf of a caller: its environment, where its output goes (empty: this process's stdout and
     * stderr), and how it is interrupted. The CLI daemon runs every command through here.
     */
    public static int run(Map<String, String> environment, Optional<CommandOutput> output, Interruptions interruptions, String... args)
    {
        return run(environment, output, interruptions, Optional.empty(), args);
    }

    /** As above, the command's clients over connections kept across commands when given (the CLI daemon's). */
    public static int run(Map<String, String> environment, Optional<CommandOutput> output, Interruptions interruptions, Optional<SharedHttpClients> connections,
            String... args)
    {
        BerthClientFactory clients = connections.map(shared -> BerthClientFactory.fromEnvironment(environment, shared))
                .orElseGet(() -> BerthClientFactory.fromEnvironment(environment));
        CommandLine commandLine = new CommandLine(
                new BerthCommand(),
                new BerthCommandFactory(clients, Optional.of(new RegistryImageImport(environment, clients)), Clock.systemUTC(), interruptions, environment));
        BerthCommand.addSubcommands(commandLine, args);
        // after the subcommands: picocli gives the streams to the subcommands it has at the time
        output.ifPresent(streams -> {
            commandLine.setOut(streams.out());
            commandLine.setErr(streams.err());
        });
        BerthCommands.configure(commandLine, environment);
        return BerthCommands.execute(commandLine, args);
    }

    /** Where a command's standard output and standard error go. */
    public record CommandOutput(PrintWriter out, PrintWriter err)
    {
        public CommandOutput
        {
            requireNonNull(out, "out is null");
            requireNonNull(err, "err is null");
        }
    }
}
