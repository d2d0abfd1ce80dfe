package io.berth.cli;

import io.berth.cli.commands.HostCommand;
import io.berth.cli.commands.PsCommand;
import io.berth.cli.commands.RunCommand;
import io.berth.cli.up.UpCommand;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which subcommands a call builds: the one it names, none for --version, all for anything else. */
class BerthCommandTest
{
    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt()
    {
        assertThat(BerthCommand.subcommandsFor("ps", "-a")).containsExactly(PsCommand.class);
        assertThat(BerthCommand.subcommandsFor("run", "busybox", "--", "ps")).containsExactly(RunCommand.class);
        assertThat(BerthCommand.subcommandsFor("host", "ls")).containsExactly(HostCommand.class);
        assertThat(BerthCommand.subcommandsFor("up", "--port", "1")).containsExactly(UpCommand.class);
    }

    @Test
    void versionNeedsNoSubcommandAndEverythingElseGetsThemAll()
    {
        assertThat(BerthCommand.subcommandsFor("--version")).isEmpty();
        assertThat(BerthCommand.subcommandsFor("-V")).isEmpty();
        assertThat(BerthCommand.subcommandsFor()).isEqualTo(BerthCommand.SUBCOMMANDS);
        assertThat(BerthCommand.subcommandsFor("--help")).isEqualTo(BerthCommand.SUBCOMMANDS);
        assertThat(BerthCommand.subcommandsFor("pss")).isEqualTo(BerthCommand.SUBCOMMANDS);
    }

    @Test
    void helpListsEverySubcommandAndAMisspeltOneIsStillAUsageError()
    {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(buffer, true));
        try {
            assertThat(Main.run("--help")).isZero();
        }
        finally {
            System.setOut(original);
        }
        assertThat(buffer.toString()).contains("up", "server", "agent", "run", "ps", "logs", "stop", "image", "account", "host", "bill", "explain");
        assertThat(Main.run("pss")).isNotZero();
    }
}
