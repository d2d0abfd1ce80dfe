package io.berth.cli.server;

import io.berth.controlplane.ControlPlaneConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerCommandTest
{
    private final CommandLine commandLine = new CommandLine(new ServerCommand());

    @Test
    void placementTimeoutAndHostLostAfterBecomeControlPlaneSettings()
    {
        ControlPlaneConfig config = ServerCommand.hostTimings(commandLine, "30s", "2m").apply(ControlPlaneConfig.of("jdbc:sqlite:/unused"));

        assertThat(config.placementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.hostLostAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theDefaultsAreTheControlPlanesDefaults()
    {
        CommandLine.Model.CommandSpec spec = commandLine.getCommandSpec();
        ControlPlaneConfig config = ServerCommand.hostTimings(commandLine,
                spec.findOption("--placement-timeout").defaultValue(), spec.findOption("--host-lost-after").defaultValue())
                .apply(ControlPlaneConfig.of("jdbc:sqlite:/unused"));

        assertThat(config.placementTimeout()).isEqualTo(ControlPlaneConfig.DEFAULT_PLACEMENT_TIMEOUT);
        assertThat(config.hostLostAfter()).isEqualTo(ControlPlaneConfig.DEFAULT_HOST_LOST_AFTER);
    }

    @Test
    void zeroOrUnreadableDurationsAreRefusedWithTheOptionToFix()
    {
        assertThatThrownBy(() -> ServerCommand.hostTimings(commandLine, "0s", "60s"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("--placement-timeout must be longer than zero, e.g. 30s");
        assertThatThrownBy(() -> ServerCommand.hostTimings(commandLine, "5m", "soon"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("invalid duration 'soon': use e.g. 90s, 30m, 1h");
    }
}
