package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HealthStatus;
import io.berth.common.agentprotocol.TaskReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskTransitionsTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final ContainerSpec SPEC = new ContainerSpec("app", "img", null, null, Map.of(), null, null, true, null, null, null);
    private static final TaskState NEW = new TaskState(TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null,
            List.of(new TaskContainer("arn:container", SPEC, null, TaskStatus.PENDING, null, null, null)), 1, null);

    @Test
    void unplacedTaskStopsAtOnce()
    {
        TaskState stopped = TaskTransitions.stopRequested(NEW, "no longer needed", T0);
        assertThat(stopped.lastStatus()).isEqualTo(TaskStatus.STOPPED);
        assertThat(stopped.desiredStatus()).isEqualTo(TaskStatus.STOPPED);
        assertThat(stopped.stopCode()).isEqualTo(StopCodes.USER_INITIATED);
        assertThat(stopped.stoppedReason()).isEqualTo("no longer needed");
        assertThat(stopped.stoppedAt()).isEqualTo(T0);
        assertThat(stopped.containers().getFirst().lastStatus()).isEqualTo(TaskStatus.STOPPED);
    }

    @Test
    void placedTaskWaitsForTheHostAndKeepsTheUsersReason()
    {
        TaskState placed = TaskTransitions.placed(NEW, "host-1");
        TaskState running = TaskTransitions.reported(placed, report(TaskReport.Status.RUNNING, null, null, List.of(
                new ContainerReport("app", TaskReport.Status.RUNNING, "sha256:abc", null, null))), T0);
        TaskState stopping = TaskTransitions.stopRequested(running, null, T0.plusSeconds(10));
        assertThat(stopping.lastStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(stopping.desiredStatus()).isEqualTo(TaskStatus.STOPPED);
        assertThat(stopping.stoppingAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(stopping.stoppedReason()).isEqualTo(TaskTransitions.DEFAULT_STOP_REASON);

        TaskState stopped = TaskTransitions.reported(stopping, report(TaskReport.Status.STOPPED, StopCodes.ESSENTIAL_CONTAINER_EXITED, "Essential container in task exited",
                List.of(new ContainerReport("app", TaskReport.Status.STOPPED, null, 137, null))), T0.plusSeconds(12));
        assertThat(stopped.lastStatus()).isEqualTo(TaskStatus.STOPPED);
        assertThat(stopped.stopCode()).isEqualTo(StopCodes.USER_INITIATED);
        assertThat(stopped.stoppedReason()).isEqualTo(TaskTransitions.DEFAULT_STOP_REASON);
        assertThat(stopped.stoppedAt()).isEqualTo(T0.plusSeconds(12));
        assertThat(stopped.containers().getFirst().exitCode()).isEqualTo(137);
        assertThat(stopped.containers().getFirst().imageDigest()).isEqualTo("sha256:abc");
    }

    @Test
    void agentStopKeepsTheAgentsReason()
    {
        TaskState placed = TaskTransitions.placed(NEW, "host-1");
        TaskState stopped = TaskTransitions.reported(placed, report(TaskReport.Status.STOPPED, StopCodes.TASK_FAILED_TO_START,
                "CannotPullContainerError: manifest unknown", List.of()), T0);
        assertThat(stopped.lastStatus()).isEqualTo(TaskStatus.STOPPED);
        assertThat(stopped.desiredStatus()).isEqualTo(TaskStatus.STOPPED);
        assertThat(stopped.stopCode()).isEqualTo(StopCodes.TASK_FAILED_TO_START);
        assertThat(stopped.stoppedReason()).startsWith("CannotPullContainerError");
        assertThat(stopped.containers().getFirst().lastStatus()).isEqualTo(TaskStatus.STOPPED);
    }

    @Test
    void statusNeverMovesBackwardAndStoppedIsFinal()
    {
        TaskState placed = TaskTransitions.placed(NEW, "host-1");
        TaskState running = TaskTransitions.reported(placed, report(TaskReport.Status.RUNNING, null, null, List.of()), T0);
        assertThat(running.startedAt()).isEqualTo(T0);
        TaskState late = TaskTransitions.reported(running, report(TaskReport.Status.PENDING, null, null, List.of()), T0.plusSeconds(1));
        assertThat(late.lastStatus()).isEqualTo(TaskStatus.RUNNING);
        TaskState stopped = TaskTransitions.reported(running, report(TaskReport.Status.STOPPED, null, null, List.of()), T0.plusSeconds(2));
        assertThat(stopped.stopCode()).isEqualTo(StopCodes.ESSENTIAL_CONTAINER_EXITED);
        assertThat(TaskTransitions.reported(stopped, report(TaskReport.Status.RUNNING, null, null, List.of()), T0.plusSeconds(3))).isEqualTo(stopped);
        assertThat(TaskTransitions.stopRequested(stopped, "again", T0.plusSeconds(4))).isEqualTo(stopped);
    }

    private static TaskReport report(TaskReport.Status status, String stopCode, String reason, List<ContainerReport> containers)
    {
        return new TaskReport("task", status, null, null, null, null, stopCode, reason, containers);
    }

    @Test
    void healthFollowsTheHostAndAnAgentWithoutHealthChecksLeavesItAlone()
    {
        TaskState placed = TaskTransitions.placed(NEW, "host-1");
        TaskState healthy = TaskTransitions.reported(placed, new TaskReport("t", TaskReport.Status.RUNNING, T0, T0, T0, null, null, null,
                List.of(new ContainerReport("app", TaskReport.Status.RUNNING, null, null, null, HealthStatus.HEALTHY))), T0);
        TaskState silent = TaskTransitions.reported(healthy, new TaskReport("t", TaskReport.Status.RUNNING, T0, T0, T0, null, null, null,
                List.of(new ContainerReport("app", TaskReport.Status.RUNNING, null, null, null))), T0);
        TaskState unhealthy = TaskTransitions.reported(silent, new TaskReport("t", TaskReport.Status.RUNNING, T0, T0, T0, null, null, null,
                List.of(new ContainerReport("app", TaskReport.Status.RUNNING, null, null, null, HealthStatus.UNHEALTHY))), T0);

        assertThat(placed.containers().getFirst().healthStatus()).isEqualTo(HealthStatus.UNKNOWN);
        assertThat(healthy.containers().getFirst().healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(silent.containers().getFirst().healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(unhealthy.containers().getFirst().healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
    }
}
