package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.TaskReport;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a task's state changes: on StopTask, on placement, and on an agent's report. Pure functions of the
 * current state; statuses only move forward, so a late or repeated report never undoes progress.
 */
public final class TaskTransitions
{
    public static final String DEFAULT_STOP_REASON = "Task stopped by user";
    static final String ESSENTIAL_CONTAINER_EXITED_REASON = "Essential container in task exited";
    static final String NEVER_STARTED_REASON = "Task stopped before it was started on a host";

    private TaskTransitions() {}

    public static TaskState placed(TaskState state, String hostId)
    {
        return state.toBuilder().hostId(hostId).build();
    }

    /**
     * StopTask. A task no host has picked up stops at once; otherwise the host is told (desiredStatus STOPPED)
     * and lastStatus follows the host's reports. The user's reason wins over whatever the host says later.
     */
    public static final String SPOT_INTERRUPTED_REASON = "Your Spot Task was interrupted.";

    public static TaskState stopRequested(TaskState state, String reason, Instant now)
    {
        return stopRequested(state, reason, StopCodes.USER_INITIATED, now);
    }

    /** A stop asked for by stopCode's party: the user (UserInitiated) or a service's scheduler (ServiceSchedulerInitiated). */
    public static TaskState stopRequested(TaskState state, String reason, String stopCode, Instant now)
    {
        if (state.desiredStatus() == TaskStatus.STOPPED || state.lastStatus() == TaskStatus.STOPPED) {
            return state;
        }
        TaskState.Builder stopping = state.toBuilder()
                .desiredStatus(TaskStatus.STOPPED)
                .stoppingAt(now)
                .stopCode(stopCode)
                .stoppedReason(reason == null || reason.isEmpty() ? DEFAULT_STOP_REASON : reason);
        if (state.hostId() == null) {
            return stopping.lastStatus(TaskStatus.STOPPED).stoppedAt(now).containers(stopContainers(state.containers())).build();
        }
        return stopping.build();
    }

    /**
     * A FARGATE_SPOT task interrupted, in ECS's words. The agent then stops it as any stop: SIGTERM to each container,
     * SIGKILL after its stopTimeout (ECS's two-minute warning is the stopTimeout here, at most 120 s).
     */
    public static TaskState spotInterrupted(TaskState state, String why, Instant now)
    {
        return stopRequested(state, SPOT_INTERRUPTED_REASON + " " + why, StopCodes.SPOT_INTERRUPTION, now);
    }

    /** A host dropped a task it had never reported and was told to stop: it never ran, so it is simply STOPPED. */
    public static TaskState stoppedUnstarted(TaskState state, Instant now)
    {
        return state.toBuilder()
                .lastStatus(TaskStatus.STOPPED)
                .desiredStatus(TaskStatus.STOPPED)
                .stoppingAt(state.stoppingAt() == null ? now : state.stoppingAt())
                .stoppedAt(now)
                .stopCode(state.stopCode() == null ? StopCodes.TASK_FAILED_TO_START : state.stopCode())
                .stoppedReason(state.stoppedReason() == null ? NEVER_STARTED_REASON : state.stoppedReason())
                .containers(stopContainers(state.containers()))
                .build();
    }

    /** The control plane found that the task cannot start (its secrets cannot be had): it never ran. */
    public static TaskState failedToStart(TaskState state, String reason, Instant now)
    {
        return unplaceable(state, reason, now);
    }

    /** No host could take the task before the placement timeout: it never started. */
    public static TaskState unplaceable(TaskState state, String reason, Instant now)
    {
        return state.toBuilder()
                .lastStatus(TaskStatus.STOPPED)
                .desiredStatus(TaskStatus.STOPPED)
                .stoppingAt(now)
                .stoppedAt(now)
                .stopCode(StopCodes.TASK_FAILED_TO_START)
                .stoppedReason(reason)
                .containers(stopContainers(state.containers()))
                .build();
    }

    /**
     * The task's host stopped heartbeating: the control plane records the task STOPPED, TaskFailedToStart if it
     * never ran and EssentialContainerExited if it did (its containers are gone as far as anyone can tell).
     */
    public static TaskState hostLost(TaskState state, String reason, Instant now)
    {
        if (state.lastStatus() == TaskStatus.STOPPED) {
            return state;
        }
        String stopCode = state.startedAt() == null ? StopCodes.TASK_FAILED_TO_START : StopCodes.ESSENTIAL_CONTAINER_EXITED;
        return state.toBuilder()
                .lastStatus(TaskStatus.STOPPED)
                .desiredStatus(TaskStatus.STOPPED)
                .stoppingAt(state.stoppingAt() == null ? now : state.stoppingAt())
                .executionStoppedAt(state.executionStoppedAt() == null ? now : state.executionStoppedAt())
                .stoppedAt(now)
                // a StopTask that came first keeps its code and reason
                .stopCode(state.stopCode() == null ? stopCode : state.stopCode())
                .stoppedReason(state.stoppedReason() == null ? reason : state.stoppedReason())
                .containers(stopContainers(state.containers()))
                .build();
    }

    public static TaskState reported(TaskState state, TaskReport report, Instant now)
    {
        if (state.lastStatus() == TaskStatus.STOPPED) {
            return state;
        }
        TaskStatus reportedStatus = toTaskStatus(report.status());
        TaskState.Builder next = state.toBuilder()
                .lastStatus(TaskStatus.later(state.lastStatus(), reportedStatus))
                .pullStartedAt(first(state.pullStartedAt(), report.pullStartedAt()))
                .pullStoppedAt(first(state.pullStoppedAt(), report.pullStoppedAt()))
                .startedAt(first(state.startedAt(), report.startedAt()))
                .network(first(state.network(), report.network()));
        if (reportedStatus == TaskStatus.RUNNING && state.startedAt() == null && report.startedAt() == null) {
            next.startedAt(now);
        }
        if (reportedStatus == TaskStatus.STOPPING || reportedStatus == TaskStatus.STOPPED) {
            // keep the first stop reason: a user's StopTask, or the agent's own (pull failure, exited container)
            next.desiredStatus(TaskStatus.STOPPED)
                    .stoppingAt(first(state.stoppingAt(), now))
                    .stopCode(first(state.stopCode(), report.stopCode()))
                    .stoppedReason(first(state.stoppedReason(), report.stoppedReason()));
        }
        if (reportedStatus == TaskStatus.STOPPED) {
            next.executionStoppedAt(first(state.executionStoppedAt(), report.executionStoppedAt(), now))
                    .stoppedAt(now)
                    .stopCode(first(state.stopCode(), report.stopCode(), StopCodes.ESSENTIAL_CONTAINER_EXITED))
                    .stoppedReason(first(state.stoppedReason(), report.stoppedReason(), ESSENTIAL_CONTAINER_EXITED_REASON));
        }
        next.containers(reportedContainers(state.containers(), report.containers(), reportedStatus));
        return next.build();
    }

    private static List<TaskContainer> reportedContainers(List<TaskContainer> containers, List<ContainerReport> reports, TaskStatus taskStatus)
    {
        Map<String, ContainerReport> byName = reports.stream()
                .collect(Collectors.toMap(ContainerReport::name, Function.identity(), (first, second) -> second));
        return containers.stream()
                .map(container -> {
                    ContainerReport report = byName.get(container.name());
                    if (report == null) {
                        // a container the host has not mentioned is where the task as a whole is, but stops with it
                        TaskStatus status = taskStatus == TaskStatus.STOPPED ? TaskStatus.STOPPED : container.lastStatus();
                        return container.withProgress(status, container.imageDigest(), container.exitCode(), container.reason());
                    }
                    return container.withProgress(
                            TaskStatus.later(container.lastStatus(), toTaskStatus(report.status())),
                            first(report.imageDigest(), container.imageDigest()),
                            first(report.exitCode(), container.exitCode()),
                            first(report.reason(), container.reason()))
                            // the host's latest word on health (it moves both ways); an agent without health checks says nothing
                            .withHealthStatus(first(report.healthStatus(), container.healthStatus()));
                })
                .toList();
    }

    private static List<TaskContainer> stopContainers(List<TaskContainer> containers)
    {
        return containers.stream()
                .map(container -> container.withProgress(TaskStatus.STOPPED, container.imageDigest(), container.exitCode(), container.reason()))
                .toList();
    }

    static TaskStatus toTaskStatus(TaskReport.Status status)
    {
        return switch (status) {
            case PENDING -> TaskStatus.PENDING;
            case RUNNING -> TaskStatus.RUNNING;
            case STOPPING -> TaskStatus.STOPPING;
            case STOPPED -> TaskStatus.STOPPED;
        };
    }

    @SafeVarargs
    private static <T> T first(T... values)
    {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
