package io.berth.cli.server;

import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.network.TaskAddressPlan;
import io.berth.controlplane.quotas.AccountLimits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerCommandTest
{
    private final ServerCommand server = new ServerCommand();
    private final CommandLine commandLine = new CommandLine(server);

    @Test
    void theApiServesTlsFromTheClusterCaUnlessTurnedOffOrGivenTheOperatorsCertificate()
            throws Exception
    {
        commandLine.parseArgs();
        assertThat(server.tls.resolve()).isEqualTo(ServerConfig.Tls.CLUSTER_CA);
        commandLine.parseArgs("--tls", "off");
        assertThat(server.tls.resolve()).isEqualTo(ServerConfig.Tls.OFF);
        commandLine.parseArgs("--tls-name", "berth.example", "--tls-name", "192.0.2.7");
        assertThat(server.tls.resolve().extraNames()).containsExactly("berth.example", "192.0.2.7");

        Path certificate = Files.createTempFile("berth-cert", ".pem");
        try {
            commandLine.parseArgs("--tls-cert", certificate.toString(), "--tls-key", certificate.toString());
            assertThat(server.tls.resolve().certificateFile()).isEqualTo(certificate.toAbsolutePath());
        }
        finally {
            Files.delete(certificate);
        }
    }

    @Test
    void badTlsOptionsAreRefusedWithTheOptionsToFix()
    {
        commandLine.parseArgs("--tls", "maybe");
        assertThatThrownBy(() -> server.tls.resolve()).isInstanceOf(ParameterException.class).hasMessage("--tls is on or off, got 'maybe'");
        commandLine.parseArgs("--tls-cert", "/etc/hostname");
        assertThatThrownBy(() -> server.tls.resolve()).hasMessageStartingWith("--tls-cert and --tls-key go together");
        commandLine.parseArgs("--tls", "off", "--tls-name", "berth.example");
        assertThatThrownBy(() -> server.tls.resolve()).hasMessage("--tls-cert, --tls-key and --tls-name need --tls on");
        commandLine.parseArgs("--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem");
        assertThatThrownBy(() -> server.tls.resolve()).hasMessage("cannot read /nonexistent/cert.pem");
    }

    @Test
    void placementTimeoutAndHostLostAfterBecomeControlPlaneSettings()
    {
        commandLine.parseArgs("--placement-timeout", "30s", "--host-lost-after", "2m");
        ControlPlaneConfig config = server.controlPlane.hostTimings().apply(ControlPlaneConfig.of("jdbc:sqlite:/unused"));

        assertThat(config.placementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.hostLostAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theDefaultsAreTheControlPlanesDefaults()
    {
        commandLine.parseArgs();
        ControlPlaneConfig config = server.controlPlane.hostTimings().apply(ControlPlaneConfig.of("jdbc:sqlite:/unused"));

        assertThat(config.placementTimeout()).isEqualTo(ControlPlaneConfig.DEFAULT_PLACEMENT_TIMEOUT);
        assertThat(config.hostLostAfter()).isEqualTo(ControlPlaneConfig.DEFAULT_HOST_LOST_AFTER);
    }

    @Test
    void defaultQuotasAreUnlimitedUnlessGiven()
    {
        commandLine.parseArgs();
        assertThat(server.controlPlaneSettings().apply(ControlPlaneConfig.of("jdbc:sqlite:/unused")).defaultLimits()).isEqualTo(AccountLimits.UNLIMITED);

        commandLine.parseArgs("--default-max-vcpu", "8.5", "--default-max-tasks", "50", "--default-max-waiting", "20", "--default-rate", "10");
        assertThat(server.controlPlaneSettings().apply(ControlPlaneConfig.of("jdbc:sqlite:/unused")).defaultLimits())
                .isEqualTo(new AccountLimits(8704L, 50L, 20L, 10.0));

        commandLine.parseArgs("--default-max-tasks", "-1");
        assertThatThrownBy(() -> server.controlPlaneSettings())
                .isInstanceOf(ParameterException.class)
                .hasMessage("check the --default-* quota options: maxTasks must be >= 0 (0 for unlimited), got -1");
    }

    @Test
    void taskCidrAndHostPrefixBecomeTheTaskAddressPlan()
    {
        commandLine.parseArgs("--task-cidr", "10.50.0.0/16", "--host-prefix", "26");
        ControlPlaneConfig config = server.controlPlaneSettings().apply(ControlPlaneConfig.of("jdbc:sqlite:/unused"));
        assertThat(config.taskAddressPlan()).isEqualTo(TaskAddressPlan.of("10.50.0.0/16", 26));

        commandLine.parseArgs();
        assertThat(server.controlPlaneSettings().apply(ControlPlaneConfig.of("jdbc:sqlite:/unused")).taskAddressPlan()).isEqualTo(TaskAddressPlan.DEFAULT);
    }

    @Test
    void badTaskCidrsAndHostPrefixesAreRefusedWithTheOptionsToFix()
    {
        commandLine.parseArgs("--task-cidr", "10.50.0.0/16", "--host-prefix", "15");
        assertThatThrownBy(() -> server.controlPlaneSettings())
                .isInstanceOf(ParameterException.class)
                .hasMessageStartingWith("check --task-cidr and --host-prefix: the host prefix /15 must not be shorter than the task CIDR's /16");
        commandLine.parseArgs("--host-prefix", "30");
        assertThatThrownBy(() -> server.controlPlaneSettings()).hasMessageContaining("at most /28");
        commandLine.parseArgs("--task-cidr", "10.50.0.0");
        assertThatThrownBy(() -> server.controlPlaneSettings()).hasMessageContaining("'10.50.0.0' is not an IPv4 CIDR");
    }

    @Test
    void zeroOrUnreadableDurationsAreRefusedWithTheOptionToFix()
    {
        commandLine.parseArgs("--placement-timeout", "0s", "--host-lost-after", "60s");
        assertThatThrownBy(() -> server.controlPlane.hostTimings())
                .isInstanceOf(ParameterException.class)
                .hasMessage("--placement-timeout must be longer than zero, e.g. 30s");
        commandLine.parseArgs("--placement-timeout", "5m", "--host-lost-after", "soon");
        assertThatThrownBy(() -> server.controlPlane.hostTimings())
                .isInstanceOf(ParameterException.class)
                .hasMessage("invalid duration 'soon': use e.g. 90s, 30m, 1h");
    }

    @Test
    void theRegistryListensOnTheBindAddressUnlessTurnedOff()
    {
        commandLine.parseArgs("--bind", "10.1.2.3");
        assertThat(server.registry()).isEqualTo(new ServerConfig.Registry("10.1.2.3", 0));

        commandLine.parseArgs("--bind", "10.1.2.3", "--registry-port", "5000");
        assertThat(server.registry()).isEqualTo(new ServerConfig.Registry("10.1.2.3", 5000));

        commandLine.parseArgs("--no-registry");
        assertThat(server.registry()).isNull();
    }

    @Test
    void badRegistryOptionsAreRefusedWithTheOptionsToFix()
    {
        commandLine.parseArgs("--no-registry", "--registry-port", "5000");
        assertThatThrownBy(() -> server.registry())
                .isInstanceOf(ParameterException.class)
                .hasMessage("--registry-port and --no-registry exclude each other");
        commandLine.parseArgs("--registry-port", "70000");
        assertThatThrownBy(() -> server.registry()).isInstanceOf(ParameterException.class).hasMessage("--registry-port must be between 0 and 65535");
        commandLine.parseArgs("--port", "9000", "--registry-port", "9000");
        assertThatThrownBy(() -> server.registry()).isInstanceOf(ParameterException.class).hasMessage("--registry-port must differ from --port");
    }

    @Test
    void aBadAdvertisedUrlIsRefusedWithTheOptionToFix()
    {
        java.io.StringWriter errors = new java.io.StringWriter();
        int exit = new CommandLine(new ServerCommand()).setErr(new java.io.PrintWriter(errors)).execute("--advertise-url", "ftp://10.0.0.1:8686", "--data-dir", "/nonexistent-berth-test");

        assertThat(exit).isNotZero();
        assertThat(errors.toString()).contains("check --advertise-url").contains("http://HOST:PORT");
    }
}
