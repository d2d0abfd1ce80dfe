package io.berth.controlplane.patching;

import io.berth.common.patching.PatchCommandStatus;
import io.berth.controlplane.scheduler.HostState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What the planner sees of the fleet for one step of a run: each joined host (its state, last heartbeat, free room and
 * the service tasks it holds, which must find room elsewhere before it may go) and, for the hosts whose command runs,
 * what their agents answered now (a host missing from commands did not answer).
 */
public record PatchSnapshot(Instant now, Map<String, HostView> hosts, Map<String, PatchCommandStatus> commands)
{
    public PatchSnapshot
    {
        requireNonNull(now, "now is null");
        hosts = Map.copyOf(hosts);
        commands = Map.copyOf(commands);
    }

    /** A host: cpu units and MiB not allocated to its tasks, and the sizes of the service tasks it holds. */
    public record HostView(String hostId, HostState state, Instant lastHeartbeat, int cpuFree, long memoryFree, List<TaskSize> serviceTasks)
    {
        public HostView
        {
            requireNonNull(hostId, "hostId is null");
            requireNonNull(state, "state is null");
            requireNonNull(lastHeartbeat, "lastHeartbeat is null");
            serviceTasks = List.copyOf(serviceTasks);
        }
    }

    /** A task's size: cpu units and MiB. */
    public record TaskSize(int cpu, long memory) {}
}
