package io.berth.common.agentprotocol;

import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reports cross the wire as JSON when agents join over HTTP: usage must survive the trip, and be optional. */
class TaskReportJsonTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00.123456Z");

    @Test
    void usageRoundTrips()
            throws Exception
    {
        TaskReport report = new TaskReport("task", TaskReport.Status.RUNNING, T0, T0, T0, null, null, null,
                List.of(new ContainerReport("main", TaskReport.Status.RUNNING, "sha256:abc", null, null)))
                .withUsage(new TaskUsage(1.5, 20.25, 31, 12.5, T0.plusSeconds(12)));

        TaskReport read = Json.mapper().readValue(Json.mapper().writeValueAsString(report), TaskReport.class);

        assertThat(read).isEqualTo(report);
        assertThat(read.usage().memoryMiBSeconds()).isEqualTo(20.25 * 12.5);
    }

    @Test
    void aReportFromAnAgentWithoutMeteringHasNoUsage()
            throws Exception
    {
        TaskReport read = Json.mapper().readValue("{\"taskId\": \"task\", \"status\": \"PENDING\"}", TaskReport.class);

        assertThat(read.usage()).isNull();
        assertThat(read.containers()).isEmpty();
    }
}
