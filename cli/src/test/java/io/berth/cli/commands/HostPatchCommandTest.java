package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** berth host patch refuses options that say nothing clear before it sends anything (the real run is in HostPatchEndToEndTest). */
class HostPatchCommandTest
{
    @Command(name = "berth", subcommands = HostCommand.class)
    static final class TestRoot
            implements Runnable
    {
        @Override
        public void run() {}
    }

    private final List<String> connections = new ArrayList<>();

    @Test
    void unclearOptionsAreRefusedBeforeAnyCall()
    {
        assertThat(berth("host", "patch", "host-a")).contains("Give the command to run on each host: --command CMD");
        assertThat(berth("host", "patch", "--command", "true")).contains("Name the hosts to patch, or give --all (not both)");
        assertThat(berth("host", "patch", "--all", "host-a", "--command", "true")).contains("Name the hosts to patch, or give --all (not both)");
        assertThat(berth("host", "patch", "--all", "--command", "true", "--timeout", "soon")).contains("invalid duration 'soon'");
        assertThat(connections).isEmpty();
    }

    private String berth(String... args)
    {
        BerthClientFactory clients = (endpoint, region) -> {
            connections.add(String.valueOf(endpoint));
            throw new IllegalStateException("no call expected");
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new TestRoot(), new BerthCommandFactory(clients, Optional.empty(), Clock.systemUTC()));
        BerthCommands.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        assertThat(exitCode).isNotZero();
        return out + err.toString();
    }
}
