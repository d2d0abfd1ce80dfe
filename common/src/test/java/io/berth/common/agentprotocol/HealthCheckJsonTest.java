package io.berth.common.agentprotocol;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Health checks travel in the agent protocol: new fields, and messages of peers that do not know them still read. */
class HealthCheckJsonTest
{
    @Test
    void aContainerSpecWithAHealthCheckRoundTrips()
            throws Exception
    {
        ContainerSpec spec = new ContainerSpec("web", "busybox", null, List.of("httpd", "-f"), null, null, null, true, null, null, null, List.of(),
                ContainerLinuxOptions.DEFAULT, new ContainerHealthCheck(List.of("CMD-SHELL", "test -f /tmp/ok"), 5, 2, 3, 0));

        ContainerSpec read = Json.mapper().readValue(Json.mapper().writeValueAsString(spec), ContainerSpec.class);

        assertThat(read).isEqualTo(spec);
    }

    @Test
    void aSpecFromAnOlderControlPlaneHasNoHealthCheck()
            throws Exception
    {
        ContainerSpec read = Json.mapper().readValue("{\"name\": \"web\", \"image\": \"busybox\", \"essential\": true}", ContainerSpec.class);

        assertThat(read.healthCheck()).isNull();
    }

    @Test
    void aReportFromAnOlderAgentSaysNothingOfHealth()
            throws Exception
    {
        ContainerReport read = Json.mapper().readValue("{\"name\": \"web\", \"status\": \"RUNNING\"}", ContainerReport.class);

        assertThat(read.healthStatus()).isNull();
    }

    @Test
    void aReportCarriesTheHealthStatus()
            throws Exception
    {
        ContainerReport report = new ContainerReport("web", TaskReport.Status.RUNNING, null, null, null, HealthStatus.UNHEALTHY);

        assertThat(Json.mapper().readValue(Json.mapper().writeValueAsString(report), ContainerReport.class)).isEqualTo(report);
    }

    @Test
    void cmdRunsDirectlyAndCmdShellThroughTheShell()
    {
        assertThat(new ContainerHealthCheck(List.of("CMD", "test", "-f", "/tmp/ok"), 30, 5, 3, 0).processArguments())
                .containsExactly("test", "-f", "/tmp/ok");
        assertThat(new ContainerHealthCheck(List.of("CMD-SHELL", "curl -f http://localhost/ || exit 1"), 30, 5, 3, 0).processArguments())
                .containsExactly("/bin/sh", "-c", "curl -f http://localhost/ || exit 1");
    }

    @Test
    void refusesACommandWithoutItsKind()
    {
        assertThatThrownBy(() -> new ContainerHealthCheck(List.of("true"), 30, 5, 3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContainerHealthCheck(List.of("CMD"), 30, 5, 3, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
