package io.berth.controlplane.placement;

import io.berth.controlplane.agents.Host;
import io.berth.controlplane.scheduler.ClusterSnapshot;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.scheduler.SnapshotHost;
import io.berth.controlplane.tasks.Task;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the scheduler's snapshot from the store's hosts and the tasks that hold their capacity (placed, not
 * STOPPED). A host not heard from since heardSince counts as LOST even before maintenance marks it: it gets
 * nothing new.
 */
public final class ClusterSnapshots
{
    private ClusterSnapshots() {}

    public static ClusterSnapshot of(List<Host> hosts, List<Task> placedTasks, Instant heardSince)
    {
        Map<String, int[]> cpuAndCount = new HashMap<>();
        Map<String, long[]> memory = new HashMap<>();
        Map<String, Map<String, Integer>> groups = new HashMap<>();
        for (Task task : placedTasks) {
            String hostId = task.state().hostId();
            cpuAndCount.computeIfAbsent(hostId, ignored -> new int[1])[0] += task.cpu();
            memory.computeIfAbsent(hostId, ignored -> new long[1])[0] += task.memory();
            groups.computeIfAbsent(hostId, ignored -> new HashMap<>()).merge(task.group() == null ? "" : task.group(), 1, Integer::sum);
        }
        List<SnapshotHost> snapshotHosts = hosts.stream()
                .map(host -> new SnapshotHost(
                        host.hostId(),
                        host.info().cpu(),
                        host.info().memoryMiB(),
                        cpuAndCount.getOrDefault(host.hostId(), new int[1])[0],
                        memory.getOrDefault(host.hostId(), new long[1])[0],
                        host.attributes(),
                        host.lastHeartbeat().isBefore(heardSince) ? HostState.LOST : host.state(),
                        groups.getOrDefault(host.hostId(), Map.of()),
                        host.info().isolationTiers()))
                .toList();
        return new ClusterSnapshot(snapshotHosts);
    }
}
