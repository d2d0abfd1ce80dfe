package io.berth.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The real top-level command line, as `berth` builds it. */
class MainTest
{
    @Test
    void everySubcommandIsReachableAndHelpWorks()
    {
        assertThat(Main.run("--help")).isZero();
        for (String command : new String[] {"up", "server", "agent", "run", "ps", "logs", "stop", "image", "account", "host", "bill", "explain"}) {
            assertThat(Main.run(command, "--help")).as(command).isZero();
        }
        assertThat(Main.run("host", "token", "--help")).isZero();
        assertThat(Main.run("host", "ls", "--help")).isZero();
    }

    @Test
    void unknownCommandIsAUsageError()
    {
        assertThat(Main.run("launch-rockets")).isNotZero();
    }
}
