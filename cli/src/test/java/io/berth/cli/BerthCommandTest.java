package io.berth.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class BerthCommandTest
{
    @Test
    void theTopLevelCommandBuildsWithEverySubcommandOnce()
    {
        // picocli refuses a command line that names a subcommand twice: every `berth ...` would fail at start
        CommandLine commandLine = new CommandLine(new BerthCommand());

        assertThat(commandLine.getSubcommands()).containsKeys("up", "server", "agent", "run", "ps", "logs", "stop", "image", "account", "bill", "host", "explain");
    }
}
