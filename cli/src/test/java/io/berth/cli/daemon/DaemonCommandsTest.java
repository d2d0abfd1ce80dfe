package io.berth.cli.daemon;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonCommandsTest
{
    @Test
    void servesTheEverydayClientCommandsAlone()
    {
        assertThat(DaemonCommands.refusal(List.of("run", "busybox", "--", "echo", "hi"))).isEmpty();
        assertThat(DaemonCommands.refusal(List.of("ps", "-a"))).isEmpty();
        assertThat(DaemonCommands.refusal(List.of("--version"))).isEmpty();
        // a server, a path the user gave relative to a directory the daemon does not share, no command at all
        assertThat(DaemonCommands.refusal(List.of("up"))).contains("'up' runs in a JVM of its own");
        assertThat(DaemonCommands.refusal(List.of("image", "import", "./app.tar"))).isPresent();
        assertThat(DaemonCommands.refusal(List.of())).contains("no command");
    }
}
