package io.berth.agent.metrics;

import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.testing.PrometheusText;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskLifecycleLinkTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final HostInfo HOST = new HostInfo("host-a", "10.0.0.1", 1024, 2048, Map.of());

    private final AgentMetrics metrics = new AgentMetrics();
    private final TaskLifecycleLink link = new TaskLifecycleLink(new ControlPlaneLink()
    {
        @Override
        public SyncResponse sync(SyncRequest request)
        {
            return null;
        }

        @Override
        public void awaitChange(String hostId, Duration timeout) {}
    }, metrics, Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC));

    @Test
    void startsAndStopsAreCountedOnceFromTheReports()
            throws Exception
    {
        sync(report("a", TaskReport.Status.PENDING, null, null, null), report("b", TaskReport.Status.PENDING, null, null, null),
                report("adopted", TaskReport.Status.RUNNING, T0, null, null));
        sync(report("a", TaskReport.Status.RUNNING, T0.plusSeconds(2), null, null), report("b", TaskReport.Status.STOPPED, null, T0.plusSeconds(1), "TaskFailedToStart"),
                report("adopted", TaskReport.Status.RUNNING, T0, null, null));
        sync(report("a", TaskReport.Status.RUNNING, T0.plusSeconds(2), null, null), report("adopted", TaskReport.Status.STOPPED, T0, T0.plusSeconds(9), "EssentialContainerExited"));
        sync(report("a", TaskReport.Status.STOPPED, T0.plusSeconds(2), T0.plusSeconds(8), null));

        PrometheusText text = MeasuredHostTest.scrape(metrics);
        assertThat(text.value("berth_agent_task_starts_total", Map.of("result", "running"))).hasValue(1);
        assertThat(text.value("berth_agent_task_starts_total", Map.of("result", "failed"))).hasValue(1);
        assertThat(text.value("berth_agent_task_start_duration_seconds_sum", Map.of())).hasValue(2);
        assertThat(text.value("berth_agent_task_stops_total", Map.of("stop_code", "TaskFailedToStart"))).hasValue(1);
        assertThat(text.value("berth_agent_task_stops_total", Map.of("stop_code", "EssentialContainerExited"))).hasValue(1);
        assertThat(text.value("berth_agent_task_stops_total", Map.of("stop_code", "Requested"))).as("stopped as the control plane asked").hasValue(1);
        // from the containers' exit to the report of everything removed: 9 s, 1 s and 2 s
        assertThat(text.value("berth_agent_task_stop_duration_seconds_sum", Map.of())).hasValue(12);
    }

    @Test
    void aTaskFirstSeenRunningOrStoppedCountsWhenThisAgentPulledForIt()
            throws Exception
    {
        // the link began at T0 + 10 s: "late" pulled after it, "adopted" before
        Instant afterStart = T0.plusSeconds(11);
        sync(new TaskReport("late", TaskReport.Status.RUNNING, afterStart, afterStart, afterStart.plusSeconds(3), null, null, null, List.of()),
                new TaskReport("quick", TaskReport.Status.STOPPED, afterStart, afterStart, afterStart.plusSeconds(1), afterStart.plusSeconds(2), "EssentialContainerExited", null, List.of()),
                new TaskReport("failed", TaskReport.Status.STOPPED, afterStart, afterStart, null, afterStart.plusSeconds(1), "TaskFailedToStart", null, List.of()),
                report("adopted", TaskReport.Status.RUNNING, T0, null, null));

        PrometheusText text = MeasuredHostTest.scrape(metrics);
        assertThat(text.value("berth_agent_task_starts_total", Map.of("result", "running"))).as("late and quick ran").hasValue(2);
        assertThat(text.value("berth_agent_task_starts_total", Map.of("result", "failed"))).hasValue(1);
        assertThat(text.value("berth_agent_task_start_duration_seconds_sum", Map.of())).hasValue(4);
        assertThat(text.value("berth_agent_task_stops_total", Map.of("stop_code", "EssentialContainerExited"))).hasValue(1);
        assertThat(text.value("berth_agent_task_stops_total", Map.of("stop_code", "TaskFailedToStart"))).hasValue(1);
    }

    private void sync(TaskReport... reports)
    {
        link.sync(new SyncRequest(HOST, List.of(reports)));
    }

    /** A report pulled from T0 on. */
    private static TaskReport report(String taskId, TaskReport.Status status, Instant startedAt, Instant executionStoppedAt, String stopCode)
    {
        return new TaskReport(taskId, status, T0, T0, startedAt, executionStoppedAt, stopCode, null, List.of());
    }
}
