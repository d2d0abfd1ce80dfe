package io.berth.controlplane.placement;

import io.berth.controlplane.scheduler.ClusterSnapshot;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.scheduler.PlacementFailure;
import io.berth.controlplane.scheduler.RejectionReason;
import io.berth.controlplane.scheduler.SnapshotHost;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which FARGATE_SPOT tasks to interrupt so that on-demand tasks that fit nowhere get room, as Fargate takes spot
 * capacity back. Pure: a snapshot, the placed tasks and the plan's failures in, task ids out. For each on-demand task
 * that failed for cpu or memory, in the plan's order, the first ACTIVE host where its size fits once counted with
 * what that host is already releasing (tasks told to stop) and its running spot tasks is chosen, and the fewest of
 * those spot tasks (newest first, the work least along) are interrupted. Only hosts the waiting task was turned away
 * from for cpu or memory alone are candidates: the engine checks state, isolation tier, memberOf and distinctInstance
 * before resources, so a host it rejected for lack of room passed every constraint of the task, and room freed there
 * is room the task can take. Spot tasks on a host its constraints keep it off are never interrupted in vain.
 */
public final class SpotInterruptions
{
    private SpotInterruptions() {}

    public static List<Task> plan(ClusterSnapshot snapshot, List<Task> placedTasks, List<Task> failedTasks, List<PlacementFailure> failures)
    {
        if (failures.isEmpty()) {
            // every task found a host: nothing to make room for (and the placed tasks need not be looked at)
            return List.of();
        }
        Map<String, Task> failedById = new HashMap<>();
        failedTasks.forEach(task -> failedById.put(task.taskId(), task));
        Map<String, long[]> room = new HashMap<>();
        for (SnapshotHost host : snapshot.hosts()) {
            if (host.state() == HostState.ACTIVE) {
                room.put(host.hostId(), new long[] {host.cpuFree(), host.memoryFree()});
            }
        }
        Map<String, List<Task>> spotByHost = new HashMap<>();
        for (Task task : placedTasks) {
            long[] hostRoom = room.get(task.state().hostId());
            if (hostRoom == null) {
                continue;
            }
            if (task.state().desiredStatus() == TaskStatus.STOPPED) {
                // already on its way out: its room is coming back (an earlier interruption's, or any stop)
                hostRoom[0] += task.cpu();
                hostRoom[1] += task.memory();
            }
            else if (task.spot()) {
                spotByHost.computeIfAbsent(task.state().hostId(), ignored -> new ArrayList<>()).add(task);
            }
        }
        spotByHost.values().forEach(tasks -> tasks.sort(Comparator.comparing(Task::createdAt).reversed().thenComparing(Task::taskId)));

        List<Task> interrupted = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (PlacementFailure failure : failures) {
            Task waiting = failedById.get(failure.taskId());
            // judged host by host: a task most hosts refuse for its constraints may still lack only room on one
            if (waiting == null || waiting.spot()) {
                continue;
            }
            for (SnapshotHost host : snapshot.hosts()) {
                long[] hostRoom = room.get(host.hostId());
                if (hostRoom == null || !forLackOfRoom(failure.hostReasons().get(host.hostId()))) {
                    continue;
                }
                if (hostRoom[0] >= waiting.cpu() && hostRoom[1] >= waiting.memory()) {
                    // room is being released here already: claim it and interrupt nothing more
                    hostRoom[0] -= waiting.cpu();
                    hostRoom[1] -= waiting.memory();
                    break;
                }
                List<Task> chosen = enough(hostRoom, spotByHost.getOrDefault(host.hostId(), List.of()), taken, waiting);
                if (chosen != null) {
                    for (Task spot : chosen) {
                        taken.add(spot.taskId());
                        hostRoom[0] += spot.cpu();
                        hostRoom[1] += spot.memory();
                        interrupted.add(spot);
                    }
                    hostRoom[0] -= waiting.cpu();
                    hostRoom[1] -= waiting.memory();
                    break;
                }
            }
        }
        return interrupted;
    }

    /** The spot tasks, newest first, that with the host's room make space for waiting; null when all of them would not. */
    private static List<Task> enough(long[] hostRoom, List<Task> spotTasks, Set<String> taken, Task waiting)
    {
        long cpu = hostRoom[0];
        long memory = hostRoom[1];
        List<Task> chosen = new ArrayList<>();
        for (Task spot : spotTasks) {
            if (cpu >= waiting.cpu() && memory >= waiting.memory()) {
                break;
            }
            if (taken.contains(spot.taskId())) {
                continue;
            }
            chosen.add(spot);
            cpu += spot.cpu();
            memory += spot.memory();
        }
        return cpu >= waiting.cpu() && memory >= waiting.memory() ? chosen : null;
    }

    private static boolean forLackOfRoom(RejectionReason reason)
    {
        return reason == RejectionReason.RESOURCE_CPU || reason == RejectionReason.RESOURCE_MEMORY;
    }
}
