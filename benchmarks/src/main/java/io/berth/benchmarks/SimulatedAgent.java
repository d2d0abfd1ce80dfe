package io.berth.benchmarks;

import io.berth.agent.SyncRounds;
import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.agentprotocol.NetworkAnswer;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.hostauth.HostCredential;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * One simulated host of a {@link SimulatedFleet}: what a real agent tells the control plane, without running anything.
 * It reports every task it holds as a real agent would once the container runs (RUNNING, with pull and start times,
 * its containers and an address from the host's slice of the task network), reports a task the control plane wants
 * stopped as STOPPED at the next sync, and forgets a task the answer no longer lists. Its syncs are deltas on the wire as
 * a real agent's are (the agent's {@link AgentSyncDelta}). Its state is touched by one
 * thread at a time (its fleet's loop for it).
 */
final class SimulatedAgent
{
    /** Room for every task a benchmark gives one host: the capacity is accounting only. */
    static final int CPU_UNITS = 1024 * 1024;
    static final long MEMORY_MIB = 4L * 1024 * 1024;

    private final int index;
    private final HostCredential credential;
    private final Map<String, TaskReport> held = new ConcurrentHashMap<>();
    private volatile int replica;
    private String hostSubnet;
    private int nextAddress;

    /** The agent's side of the delta sync, as a real agent's link has it: only changed reports go, only changed parts come. */
    private final AgentSyncDelta delta = new AgentSyncDelta();
    /** What the long poll asked of the reconcile loop: a sync, or the network plan alone. */
    private final AtomicBoolean syncWanted = new AtomicBoolean();
    private final AtomicBoolean networkWanted = new AtomicBoolean();
    /** The plan the last network-only wake-up brought, for the reconcile loop to take (as the real agent's link keeps it). */
    private final AtomicReference<PlanBrought> planBrought = new AtomicReference<>();
    /** Its syncs begun and ended, so that its long poll waits for the sync a wake-up asked for, as the real agent's does. */
    private final SyncRounds syncRounds = new SyncRounds(Duration.ZERO, System::nanoTime);

    /** A plan a wake-up brought, what of the network it was made for the agent to hold, and its size in the wake-up's body. */
    record PlanBrought(String madeFor, NetworkAnswer answer, int bytes)
    {
    }

    /** What the simulator reads of a (whole) sync answer. */
    record Answer(List<Assigned> tasks, Plan network)
    {
        static Answer of(SyncResponse whole)
        {
            return new Answer(whole.tasks().stream()
                    .map(task -> new Assigned(task.taskId(), task.desiredStatus().name(), task.containers().stream().map(container -> new Named(container.name())).toList()))
                    .toList(),
                    whole.network() == null ? null : new Plan(whole.network().hostSubnet()));
        }
    }

    record Assigned(String taskId, String desiredStatus, List<Named> containers) {}

    record Named(String name) {}

    record Plan(String hostSubnet) {}

    SimulatedAgent(int index, HostCredential credential, int replica)
    {
        this.index = index;
        this.credential = requireNonNull(credential, "credential is null");
        this.replica = replica;
    }

    HostCredential credential()
    {
        return credential;
    }

    AgentSyncDelta delta()
    {
        return delta;
    }

    AtomicBoolean syncWanted()
    {
        return syncWanted;
    }

    AtomicBoolean networkWanted()
    {
        return networkWanted;
    }

    AtomicReference<PlanBrought> planBrought()
    {
        return planBrought;
    }

    SyncRounds syncRounds()
    {
        return syncRounds;
    }

    int replica()
    {
        return replica;
    }

    void moveTo(int value)
    {
        replica = value;
    }

    int tasksRunning()
    {
        return (int) held.values().stream().filter(report -> report.status() == TaskReport.Status.RUNNING).count();
    }

    /** This host's heartbeat: who it is, with a distinct underlay address, and a report of every task it holds. */
    SyncRequest request()
    {
        HostInfo host = new HostInfo(credential.hostId(), "172.30." + (index / 250) + "." + (index % 250 + 1), CPU_UNITS, MEMORY_MIB,
                Map.of("rack", "rack-" + index % 10), 0, Set.of(IsolationTier.CONTAINER));
        return new SyncRequest(host, new ArrayList<>(held.values()));
    }

    /**
     * Converges on the answer as a real agent would once its work is done; returns the ids of the tasks it saw for
     * the first time.
     */
    List<String> apply(Answer answer, Instant now)
    {
        if (answer.network() != null && answer.network().hostSubnet() != null) {
            hostSubnet = answer.network().hostSubnet();
        }
        List<String> fresh = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (Assigned task : answer.tasks() == null ? List.<Assigned>of() : answer.tasks()) {
            listed.add(task.taskId());
            TaskReport report = held.get(task.taskId());
            if ("STOPPED".equals(task.desiredStatus())) {
                if (report == null || report.status() != TaskReport.Status.STOPPED) {
                    held.put(task.taskId(), stopped(task, report, now));
                }
            }
            else if (report == null) {
                held.put(task.taskId(), running(task, now));
                fresh.add(task.taskId());
            }
        }
        held.keySet().retainAll(listed);
        return fresh;
    }

    private TaskReport running(Assigned task, Instant now)
    {
        List<ContainerReport> containers = names(task).stream()
                .map(name -> new ContainerReport(name, TaskReport.Status.RUNNING, "sha256:" + "0".repeat(64), null, null))
                .toList();
        return new TaskReport(task.taskId(), TaskReport.Status.RUNNING, now, now, now, null, null, null, containers, null, address());
    }

    private static TaskReport stopped(Assigned task, TaskReport before, Instant now)
    {
        List<ContainerReport> containers = names(task).stream()
                .map(name -> new ContainerReport(name, TaskReport.Status.STOPPED, "sha256:" + "0".repeat(64), 0, null))
                .toList();
        Instant started = before == null ? null : before.startedAt();
        return new TaskReport(task.taskId(), TaskReport.Status.STOPPED, started, started, started, now, null, null, containers, null,
                before == null ? null : before.network());
    }

    private static List<String> names(Assigned task)
    {
        return task.containers() == null ? List.of("main") : task.containers().stream().map(Named::name).toList();
    }

    /** The next address of the host's slice (a /24 or larger: host numbers 2 to 254 in turn), once it has one. */
    private NetworkReport address()
    {
        if (hostSubnet == null) {
            return null;
        }
        String base = hostSubnet.substring(0, hostSubnet.lastIndexOf('.'));
        int host = 2 + nextAddress++ % 253;
        return new NetworkReport(base + "." + host, hostSubnet, base + ".1", String.format("02:42:ac:%02x:%02x:%02x", index >> 8 & 0xff, index & 0xff, host));
    }
}
