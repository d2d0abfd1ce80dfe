package io.berth.controlplane.placement;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.scheduler.ClusterSnapshot;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.scheduler.PlacementFailure;
import io.berth.controlplane.scheduler.RejectionReason;
import io.berth.controlplane.scheduler.SnapshotHost;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpotInterruptionsTest
{
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void anOnDemandTaskWithoutRoomInterruptsTheFewestNewestSpotTasksOnOneHost()
    {
        // host-1 is full: two old spot tasks and one new one of 1024 each, 1024 free of 4096
        List<Task> placed = List.of(
                placed("old-spot", "host-1", 1024, "FARGATE_SPOT", 0),
                placed("older-spot", "host-1", 1024, "FARGATE_SPOT", -10),
                placed("new-spot", "host-1", 1024, "FARGATE_SPOT", 10),
                placed("on-demand", "host-1", 0, null, 0));
        Task waiting = waiting("wants-2048", 2048, null);

        List<Task> interrupted = SpotInterruptions.plan(snapshot(host("host-1", 4096, 3072)), placed, List.of(waiting), List.of(failure(waiting)));

        assertThat(ids(interrupted)).containsExactly("new-spot");
    }

    @Test
    void nothingIsInterruptedForASpotTaskForOtherReasonsOrWhenRoomIsAlreadyComing()
    {
        List<Task> placed = new ArrayList<>(List.of(placed("spot", "host-1", 2048, "FARGATE_SPOT", 0)));
        Task spotWaiting = waiting("spot-waits", 2048, "FARGATE_SPOT");
        Task constrained = waiting("constrained", 2048, null);
        ClusterSnapshot full = snapshot(host("host-1", 2048, 2048));

        assertThat(SpotInterruptions.plan(full, placed, List.of(spotWaiting), List.of(failure(spotWaiting)))).isEmpty();
        assertThat(SpotInterruptions.plan(full, placed, List.of(constrained),
                List.of(new PlacementFailure("constrained", RejectionReason.MEMBER_OF, "memberOf", Map.of("host-1", RejectionReason.MEMBER_OF))))).isEmpty();

        // a task already stopping frees what the waiting task needs: no second interruption on the next pass
        placed.add(stopping(placed("stopping", "host-1", 2048, "FARGATE_SPOT", 0)));
        Task waiting = waiting("on-demand", 2048, null);
        assertThat(SpotInterruptions.plan(snapshot(host("host-1", 4096, 4096)), placed, List.of(waiting), List.of(failure(waiting)))).isEmpty();
    }

    @Test
    void eachWaitingTaskTakesItsOwnSpotTasksAndHostsThatCannotMakeRoomAreSkipped()
    {
        List<Task> placed = List.of(
                placed("small-spot", "host-1", 512, "FARGATE_SPOT", 0),
                placed("spot-a", "host-2", 1024, "FARGATE_SPOT", 0),
                placed("spot-b", "host-2", 1024, "FARGATE_SPOT", 1));
        Task first = waiting("first", 1024, null);
        Task second = waiting("second", 1024, null);
        ClusterSnapshot snapshot = snapshot(host("host-1", 1024, 1024), host("host-2", 2048, 2048), lost("host-3"));

        List<Task> interrupted = SpotInterruptions.plan(snapshot, placed, List.of(first, second), List.of(failure(first), failure(second)));

        assertThat(ids(interrupted)).containsExactly("spot-b", "spot-a");
    }

    @Test
    void onlyHostsTheWaitingTaskLacksRoomOnAreCandidatesNotThoseItsConstraintsKeepItOff()
    {
        // host-1 has the newest spot task but fails the waiting task's memberOf (or offers not its isolation tier);
        // host-2 lacks only room: its spot task goes, even though most hosts refuse the task for its constraints
        List<Task> placed = List.of(
                placed("spot-on-excluded-host", "host-1", 2048, "FARGATE_SPOT", 10),
                placed("spot-on-eligible-host", "host-2", 2048, "FARGATE_SPOT", 0));
        Task waiting = waiting("constrained", 2048, null);
        ClusterSnapshot full = snapshot(host("host-1", 2048, 2048), host("host-2", 2048, 2048), host("host-3", 2048, 2048));
        PlacementFailure failure = new PlacementFailure("constrained", RejectionReason.MEMBER_OF, "MEMBER_OF", Map.of(
                "host-1", RejectionReason.MEMBER_OF, "host-2", RejectionReason.RESOURCE_MEMORY, "host-3", RejectionReason.ISOLATION));

        assertThat(ids(SpotInterruptions.plan(full, placed, List.of(waiting), List.of(failure)))).containsExactly("spot-on-eligible-host");

        // with no host that lacks only room, nothing is interrupted at all
        PlacementFailure nowhere = new PlacementFailure("constrained", RejectionReason.MEMBER_OF, "MEMBER_OF", Map.of(
                "host-1", RejectionReason.MEMBER_OF, "host-2", RejectionReason.DISTINCT_INSTANCE, "host-3", RejectionReason.ISOLATION));
        assertThat(SpotInterruptions.plan(full, placed, List.of(waiting), List.of(nowhere))).isEmpty();
    }

    private static List<String> ids(List<Task> tasks)
    {
        return tasks.stream().map(Task::taskId).toList();
    }

    /** The task fits on no host for lack of cpu (host-1 to host-3 named, as the engine names every host it tried). */
    private static PlacementFailure failure(Task task)
    {
        return new PlacementFailure(task.taskId(), RejectionReason.RESOURCE_CPU, "RESOURCE:CPU", Map.of("host-1", RejectionReason.RESOURCE_CPU,
                "host-2", RejectionReason.RESOURCE_CPU, "host-3", RejectionReason.LOST));
    }

    private static ClusterSnapshot snapshot(SnapshotHost... hosts)
    {
        return new ClusterSnapshot(List.of(hosts));
    }

    /** A host with cpu capacity (memory the same number of MiB times two) and allocated cpu. */
    private static SnapshotHost host(String hostId, int cpu, int allocated)
    {
        return new SnapshotHost(hostId, cpu, cpu * 2L, allocated, allocated * 2L, Map.of(), HostState.ACTIVE, Map.of());
    }

    private static SnapshotHost lost(String hostId)
    {
        return new SnapshotHost(hostId, 8192, 16384, 0, 0, Map.of(), HostState.LOST, Map.of());
    }

    private static Task waiting(String taskId, int cpu, String provider)
    {
        return task(taskId, null, cpu, provider, 0, TaskStatus.RUNNING);
    }

    private static Task placed(String taskId, String hostId, int cpu, String provider, int createdSecond)
    {
        return task(taskId, hostId, cpu, provider, createdSecond, TaskStatus.RUNNING);
    }

    private static Task stopping(Task task)
    {
        return task.withState(task.state().toBuilder().desiredStatus(TaskStatus.STOPPED).build());
    }

    private static Task task(String taskId, String hostId, int cpu, String provider, int createdSecond, TaskStatus desired)
    {
        TaskState state = new TaskState(hostId == null ? TaskStatus.PROVISIONING : TaskStatus.RUNNING, desired, hostId, null, null, null, null, null, null,
                null, null, List.of(), 1, null);
        return new Task("111111111111", taskId, "arn:aws:ecs:us-east-1:111111111111:task/default/" + taskId, "default",
                "arn:aws:ecs:us-east-1:111111111111:cluster/default", "arn:td", "web", cpu, cpu * 2, TaskOverrides.NONE, null, "family:web", "FARGATE",
                "1.4.0", "us-east-1a", Map.of(), T0.plusSeconds(createdSecond), state, PlacementOptions.NONE, EphemeralStorage.DEFAULT,
                IsolationTier.CONTAINER, List.of(), null, provider);
    }
}
