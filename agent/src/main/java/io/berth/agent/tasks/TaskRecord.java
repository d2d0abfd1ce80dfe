package io.berth.agent.tasks;

import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.userns.IdMapping;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskReport.Status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Everything the agent keeps on disk about one task: enough to resume it after an agent restart and to
 * report it to the control plane. Immutable; every step of the lifecycle writes a new one. network is null
 * until the task's network is set up (and on hosts that give tasks none). idMapping is the host id range the
 * task's containers run as, recorded before anything is made with it and held until the task is STOPPED (by then
 * every process and file of the task is gone); null until it is allocated, and for tasks that run without one.
 */
public record TaskRecord(
        TaskAssignment assignment,
        Status status,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant startedAt,
        Instant executionStoppedAt,
        String stopCode,
        String stoppedReason,
        List<ContainerRecord> containers,
        NetworkAttachment network,
        IdMapping idMapping)
{
    public TaskRecord
    {
        requireNonNull(assignment, "assignment is null");
        requireNonNull(status, "status is null");
        containers = List.copyOf(containers);
    }

    public static TaskRecord fresh(TaskAssignment assignment)
    {
        List<ContainerRecord> containers = assignment.containers().stream()
                .map(spec -> new ContainerRecord(spec.name(), containerId(assignment.taskId(), spec.name()), Status.PENDING, null, null, null))
                .toList();
        return new TaskRecord(assignment, Status.PENDING, null, null, null, null, null, null, containers, null, null);
    }

    /** runc ids allow letters, digits and _+-. ; ECS container names are letters, digits, - and _. */
    static String containerId(String taskId, String containerName)
    {
        return taskId + "-" + containerName.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    public String taskId()
    {
        return assignment.taskId();
    }

    public TaskRecord withStatus(Status newStatus)
    {
        return new TaskRecord(assignment, newStatus, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, network, idMapping);
    }

    public TaskRecord withPullStarted(Instant time)
    {
        return new TaskRecord(assignment, status, pullStartedAt == null ? time : pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, network, idMapping);
    }

    public TaskRecord withPullStopped(Instant time)
    {
        return new TaskRecord(assignment, status, pullStartedAt, time, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, network, idMapping);
    }

    public TaskRecord withRunning(Instant time)
    {
        return new TaskRecord(assignment, Status.RUNNING, pullStartedAt, pullStoppedAt, startedAt == null ? time : startedAt, executionStoppedAt, stopCode, stoppedReason, containers, network, idMapping);
    }

    /** The first stop reason wins: a later one (the cleanup after an essential exit, say) does not overwrite it. */
    public TaskRecord withStopReason(String code, String reason)
    {
        if (stopCode != null) {
            return this;
        }
        return new TaskRecord(assignment, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, code, reason, containers, network, idMapping);
    }

    public TaskRecord withStopped(Instant time)
    {
        return new TaskRecord(assignment, Status.STOPPED, pullStartedAt, pullStoppedAt, startedAt, time, stopCode, stoppedReason, containers, network, idMapping);
    }

    public TaskRecord withNetwork(NetworkAttachment attachment)
    {
        return new TaskRecord(assignment, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, attachment, idMapping);
    }

    public TaskRecord withIdMapping(IdMapping mapping)
    {
        return new TaskRecord(assignment, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, containers, network, mapping);
    }

    /** Whether the task still holds its id range: until its cleanup is done, which is when it becomes STOPPED. */
    public boolean holdsIdMapping()
    {
        return idMapping != null && status != Status.STOPPED;
    }

    public TaskRecord withContainer(String name, UnaryOperator<ContainerRecord> change)
    {
        List<ContainerRecord> changed = new ArrayList<>();
        for (ContainerRecord container : containers) {
            changed.add(container.name().equals(name) ? change.apply(container) : container);
        }
        return new TaskRecord(assignment, status, pullStartedAt, pullStoppedAt, startedAt, executionStoppedAt, stopCode, stoppedReason, changed, network, idMapping);
    }

    /**
     * Whether this record, following before, tells the control plane something it should hear at once rather than with
     * the next heartbeat: a change of the task's or a container's status, exit or health, or a stop reason. The times
     * and details of a start under way (pull times, image digests, the address) go with the status change that follows
     * them, so a start costs the control plane two syncs (assigned, RUNNING) instead of one per step.
     */
    boolean changesStatusOf(TaskRecord before)
    {
        return status != before.status
                || !java.util.Objects.equals(stopCode, before.stopCode)
                || !java.util.Objects.equals(stoppedReason, before.stoppedReason)
                || !containerStates().equals(before.containerStates());
    }

    private List<List<Object>> containerStates()
    {
        return containers.stream().map(container -> java.util.Arrays.<Object>asList(container.status(), container.exitCode(), container.reason(), container.healthStatus())).toList();
    }

    public TaskReport toReport()
    {
        return new TaskReport(
                taskId(),
                status,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                executionStoppedAt,
                stopCode,
                stoppedReason,
                containers.stream().map(ContainerRecord::toReport).toList(),
                null,
                network == null ? null : network.toReport());
    }
}
