package io.berth.cli;

import io.berth.cli.client.BerthClientFactory;
import io.berth.cli.commands.BerthCommandFactory;
import io.berth.cli.commands.BerthCommands;
import picocli.CommandLine;

import java.time.Clock;
import java.util.Optional;

/** Entry point of the berth command. */
public final class Main
{
    private Main() {}

    public static void main(String[] args)
    {
        System.exit(run(args));
    }

    public static int run(String... args)
    {
        CommandLine commandLine = new CommandLine(
                new BerthCommand(),
                new BerthCommandFactory(BerthClientFactory.fromEnvironment(), Optional.of(new RegistryImageImport(System.getenv())), Clock.systemUTC()));
        BerthCommands.configure(commandLine);
        return commandLine.execute(args);
    }
}
