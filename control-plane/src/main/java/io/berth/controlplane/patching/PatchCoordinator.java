package io.berth.controlplane.patching;

import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.events.ClusterEvents;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.hosts.HostSummary;
import io.berth.controlplane.hosts.SpotInterrupter;
import io.berth.controlplane.patching.PatchHost.Step;
import io.berth.controlplane.patching.PatchSnapshot.HostView;
import io.berth.controlplane.patching.PatchSnapshot.TaskSize;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static java.util.Objects.requireNonNull;

/**
 * Drives the RUNNING patch run, one step per call of the control plane's maintenance: takes the snapshot (hosts, their
 * service tasks, and what the agents of hosts whose command runs answer), asks the {@link PatchPlanner}, applies its
 * actions (drain with the spot tasks interrupted, the command started through the agent, uncordon, wake-ups), and
 * stores the run with the step's events in one transaction. A call to an agent that fails is asked again at the next
 * step; the planner fails the host when its step overruns.
 */
public final class PatchCoordinator
{
    private static final Logger log = LoggerFactory.getLogger(PatchCoordinator.class);
    /** A service's tasks: they must find room elsewhere before their host goes (their replacements start first). */
    private static final String SERVICE_GROUP_PREFIX = "service:";

    private final Store store;
    private final HostService hosts;
    private final SpotInterrupter spotInterrupter;
    private final HostSignals hostSignals;
    private final PatchAgents agents;
    private final PatchPlanner planner;
    private final Clock clock;

    public PatchCoordinator(Store store, HostService hosts, SpotInterrupter spotInterrupter, HostSignals hostSignals, PatchAgents agents, PatchPlanner planner,
            Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.hosts = requireNonNull(hosts, "hosts is null");
        this.spotInterrupter = requireNonNull(spotInterrupter, "spotInterrupter is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
        this.agents = requireNonNull(agents, "agents is null");
        this.planner = requireNonNull(planner, "planner is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One step of each RUNNING run (there is one at most). */
    public void advance()
    {
        for (PatchRun run : store.inTransaction(transaction -> transaction.patchRuns().running())) {
            step(run);
        }
    }

    private void step(PatchRun run)
    {
        Map<String, PatchCommandStatus> commands = commandStatuses(run);
        Instant now = clock.instant();
        PatchDecision decision = planner.plan(run, new PatchSnapshot(now, hostViews(), commands));
        PatchRun next = decision.run();
        List<PatchAction.Event> events = new ArrayList<>();
        for (PatchAction action : decision.actions()) {
            try {
                switch (action) {
                    case PatchAction.Drain drain -> {
                        hosts.drain(drain.hostId(), next.drainDeadline());
                        spotInterrupter.interruptOnHost(drain.hostId(), "Its host is being drained for a patch.");
                    }
                    case PatchAction.StartCommand start -> next = startCommand(next, start.hostId(), events);
                    case PatchAction.Signal signal -> hostSignals.signal(signal.hostId());
                    case PatchAction.Uncordon uncordon -> hosts.uncordon(uncordon.hostId());
                    case PatchAction.Event event -> events.add(event);
                }
            }
            catch (RuntimeException e) {
                // the next step sees the host as it is and decides again (a host removed meanwhile fails the run)
                log.warn("Patch {}: {} on host {} failed: {}", run.runId(), action.getClass().getSimpleName(), action.hostId(), e.toString());
            }
        }
        PatchRun stored = next;
        store.useTransaction(transaction -> {
            transaction.patchRuns().update(stored);
            events.forEach(event -> ClusterEvents.patch(transaction, event.type(), stored.runId(), event.hostId(), event.message(), now));
        });
        events.forEach(event -> log.info("{}", event.message()));
    }

    /**
     * What the agents of the hosts whose command runs say, asked all at once: a host that reboots does not answer
     * until its call's deadline, and the maintenance round waits for the slowest only.
     */
    private Map<String, PatchCommandStatus> commandStatuses(PatchRun run)
    {
        Map<String, PatchCommandStatus> commands = new ConcurrentHashMap<>();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            for (PatchHost host : run.hosts()) {
                if (host.step() == Step.COMMAND) {
                    calls.submit(() -> {
                        try {
                            commands.put(host.hostId(), agents.status(host.hostId(), run.patchId(host.hostId())));
                        }
                        catch (UncheckedIOException e) {
                            log.debug("Patch {}: no answer from host {} about its command: {}", run.runId(), host.hostId(), e.getMessage());
                        }
                    });
                }
            }
        }
        return new HashMap<>(commands);
    }

    /** Starts the command on the host's agent, learning first which agent process it will run on (to tell a restart later). */
    private PatchRun startCommand(PatchRun run, String hostId, List<PatchAction.Event> events)
    {
        PatchHost host = run.host(hostId);
        String patchId = run.patchId(hostId);
        try {
            if (host.agentInstance() == null) {
                PatchCommandStatus before = agents.status(hostId, patchId);
                host = host.withAgentInstance(before.agentInstance());
                run = run.withHost(host);
                if (before.state() != PatchCommandStatus.State.UNKNOWN) {
                    return run; // started by an earlier call whose answer was lost
                }
            }
            PatchCommandStatus started = run.upgradesAgents()
                    ? agents.upgrade(hostId, patchId, run.upgrade().request(run.commandTimeout().toSeconds()))
                    : agents.start(hostId, patchId, new PatchCommandRequest(run.command(), run.commandTimeout().toSeconds()));
            events.add(new PatchAction.Event(EventType.HOST_PATCH_COMMAND_STARTED, hostId, "patch " + run.runId() + (run.upgradesAgents()
                    ? ": the agent upgrades itself to " + run.upgrade().build() : ": the command runs on the host: " + run.command())));
            if (!started.agentInstance().equals(host.agentInstance())) {
                log.warn("Patch {}: the agent of host {} restarted between two calls; its command started on agent {}", run.runId(), hostId, started.agentInstance());
            }
            return run;
        }
        catch (UncheckedIOException e) {
            log.warn("Patch {}: cannot start the command on host {} yet: {}", run.runId(), hostId, e.getMessage());
            return run;
        }
    }

    private Map<String, HostView> hostViews()
    {
        Map<String, List<TaskSize>> serviceTasks = new HashMap<>();
        for (Task task : store.inTransaction(transaction -> transaction.tasks().placedNotStopped())) {
            if (task.group() != null && task.group().startsWith(SERVICE_GROUP_PREFIX) && task.state().desiredStatus() == TaskStatus.RUNNING) {
                serviceTasks.computeIfAbsent(task.state().hostId(), ignored -> new ArrayList<>()).add(new TaskSize(task.cpu(), task.memory()));
            }
        }
        Map<String, HostView> views = new HashMap<>();
        for (HostSummary summary : hosts.list()) {
            String hostId = summary.host().hostId();
            views.put(hostId, new HostView(hostId, summary.host().state(), summary.host().lastHeartbeat(),
                    Math.max(0, summary.host().info().cpu() - summary.cpuAllocated()), Math.max(0, summary.host().info().memoryMiB() - summary.memoryAllocated()),
                    serviceTasks.getOrDefault(hostId, List.of())));
        }
        return views;
    }
}
