package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.NetworkReport;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The changing part of a task: statuses, placement, timestamps, containers. version counts the changes;
 * it is also the optimistic-concurrency check of the store, so two writers never overwrite each other.
 * network is the task's own network as its host reported it, null until then.
 */
public record TaskState(
        TaskStatus lastStatus,
        TaskStatus desiredStatus,
        String hostId,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant startedAt,
        Instant stoppingAt,
        Instant executionStoppedAt,
        Instant stoppedAt,
        String stopCode,
        String stoppedReason,
        List<TaskContainer> containers,
        long version,
        NetworkReport network)
{
    public TaskState
    {
        requireNonNull(lastStatus, "lastStatus is null");
        requireNonNull(desiredStatus, "desiredStatus is null");
        containers = List.copyOf(containers);
    }

    public Builder toBuilder()
    {
        return new Builder(this);
    }

    /** Copies a state with some fields changed; the transitions read best as a few named changes. */
    public static final class Builder
    {
        private TaskStatus lastStatus;
        private TaskStatus desiredStatus;
        private String hostId;
        private Instant pullStartedAt;
        private Instant pullStoppedAt;
        private Instant startedAt;
        private Instant stoppingAt;
        private Instant executionStoppedAt;
        private Instant stoppedAt;
        private String stopCode;
        private String stoppedReason;
        private List<TaskContainer> containers;
        private long version;
        private NetworkReport network;

        private Builder(TaskState state)
        {
            lastStatus = state.lastStatus;
            desiredStatus = state.desiredStatus;
            hostId = state.hostId;
            pullStartedAt = state.pullStartedAt;
            pullStoppedAt = state.pullStoppedAt;
            startedAt = state.startedAt;
            stoppingAt = state.stoppingAt;
            executionStoppedAt = state.executionStoppedAt;
            stoppedAt = state.stoppedAt;
            stopCode = state.stopCode;
            stoppedReason = state.stoppedReason;
            containers = state.containers;
            version = state.version;
            network = state.network;
        }

        public Builder lastStatus(TaskStatus value) { lastStatus = value; return this; }

        public Builder desiredStatus(TaskStatus value) { desiredStatus = value; return this; }

        public Builder hostId(String value) { hostId = value; return this; }

        public Builder pullStartedAt(Instant value) { pullStartedAt = value; return this; }

        public Builder pullStoppedAt(Instant value) { pullStoppedAt = value; return this; }

        public Builder startedAt(Instant value) { startedAt = value; return this; }

        public Builder stoppingAt(Instant value) { stoppingAt = value; return this; }

        public Builder executionStoppedAt(Instant value) { executionStoppedAt = value; return this; }

        public Builder stoppedAt(Instant value) { stoppedAt = value; return this; }

        public Builder stopCode(String value) { stopCode = value; return this; }

        public Builder stoppedReason(String value) { stoppedReason = value; return this; }

        public Builder containers(List<TaskContainer> value) { containers = value; return this; }

        public Builder version(long value) { version = value; return this; }

        public Builder network(NetworkReport value) { network = value; return this; }

        public TaskState build()
        {
            return new TaskState(lastStatus, desiredStatus, hostId, pullStartedAt, pullStoppedAt, startedAt, stoppingAt,
                    executionStoppedAt, stoppedAt, stopCode, stoppedReason, containers, version, network);
        }
    }
}
