package io.berth.controlplane.placement;

import io.berth.controlplane.agents.Host;
import io.berth.controlplane.scheduler.ClusterSnapshot;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.scheduler.SnapshotHost;
import io.berth.controlplane.tasks.Task;

import java.time.Instant;
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
        return of(hosts, HostUse.of(placedTasks), heardSince);
    }

    /** As {@link #of(List, List, Instant)}, from what each host's placed tasks take of it (see {@link PlacedTasksLedger}). */
    static ClusterSnapshot of(List<Host> hosts, Map<String, HostUse> use, Instant heardSince)
    {
        List<SnapshotHost> snapshotHosts = hosts.stream()
                .map(host -> {
                    HostUse used = use.getOrDefault(host.hostId(), HostUse.NONE);
                    return new SnapshotHost(
                            host.hostId(),
                            host.info().cpu(),
                            host.info().memoryMiB(),
                            used.cpu(),
                            used.memory(),
                            host.attributes(),
                            host.lastHeartbeat().isBefore(heardSince) ? HostState.LOST : host.state(),
                            used.groups(),
                            host.info().isolationTiers());
                })
                .toList();
        return new ClusterSnapshot(snapshotHosts);
    }
}
