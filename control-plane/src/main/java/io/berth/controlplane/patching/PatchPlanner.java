package io.berth.controlplane.patching;

import io.berth.common.patching.PatchCommandStatus;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.patching.PatchHost.Step;
import io.berth.controlplane.patching.PatchSnapshot.HostView;
import io.berth.controlplane.patching.PatchSnapshot.TaskSize;
import io.berth.controlplane.scheduler.HostState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides the next step of a patch run from the run and a snapshot, with no I/O: the coordinator applies the
 * decision. Per host, in the run's order: drain it (once at most maxUnavailable hosts are in flight and the service
 * tasks of the hosts in flight and its own fit on the other ACTIVE hosts), start the command once its drain is done
 * (the host CORDONED and empty), wait for the command (with reboot: for a new agent process), wait for a heartbeat
 * after it, uncordon. A host that fails (the command exits non-zero or times out, the agent stops answering or
 * restarts unasked, the host is lost, a step overruns) ends the run: no further host starts, and the run is FAILED once
 * the hosts in flight are done. A run that upgrades the agents drains nothing: each host's agent upgrades itself (see
 * {@link #upgrading}) and is done once the new agent heartbeats.
 */
public final class PatchPlanner
{
    /** How long past the command's deadline an agent may take to say it ended (it kills the command at the deadline). */
    static final Duration COMMAND_GRACE = Duration.ofSeconds(30);
    /** How long past the drain deadline the stopped tasks may take to be reported STOPPED. */
    static final Duration DRAIN_GRACE = Duration.ofMinutes(2);
    /** How long a host may take to heartbeat after its command. */
    static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(1);
    /** How much of a command's output an event quotes (its end, where errors are); `--status` shows all that was kept. */
    static final int EVENT_OUTPUT_CHARACTERS = 1000;

    public PatchDecision plan(PatchRun run, PatchSnapshot snapshot)
    {
        if (run.status() != PatchRun.Status.RUNNING) {
            return new PatchDecision(run, List.of());
        }
        List<PatchAction> actions = new ArrayList<>();
        PatchRun next = run;
        for (PatchHost host : run.hosts()) {
            if (host.step().inFlight()) {
                next = advance(next, host, snapshot, actions);
            }
        }
        next = startNext(next, snapshot, actions);
        return new PatchDecision(finishIfDone(next, snapshot.now(), actions), actions);
    }

    private PatchRun advance(PatchRun run, PatchHost host, PatchSnapshot snapshot, List<PatchAction> actions)
    {
        Instant now = snapshot.now();
        HostView view = snapshot.hosts().get(host.hostId());
        if (view == null) {
            return fail(run, host, "host " + host.hostId() + " was removed during its patch", now, actions);
        }
        if (view.state() == HostState.LOST) {
            return fail(run, host, "host " + host.hostId() + " was lost during its patch (no heartbeat since " + view.lastHeartbeat() + ")", now, actions);
        }
        return switch (host.step()) {
            case DRAINING -> draining(run, host, view, now, actions);
            case COMMAND -> command(run, host, snapshot.commands().get(host.hostId()), now, actions);
            case HEALTH_CHECK -> healthCheck(run, host, view, now, actions);
            default -> run;
        };
    }

    private PatchRun draining(PatchRun run, PatchHost host, HostView view, Instant now, List<PatchAction> actions)
    {
        switch (view.state()) {
            case CORDONED -> {
                // the drain is done: the host holds no task
                actions.add(new PatchAction.StartCommand(host.hostId()));
                return run.withHost(host.at(Step.COMMAND, now, "running the command"));
            }
            case ACTIVE -> {
                // the drain was not applied (a control plane stopped in between) or was undone: drain again
                actions.add(new PatchAction.Drain(host.hostId()));
                return run;
            }
            default -> {
                if (now.isAfter(host.stepStartedAt().plus(run.drainDeadline()).plus(DRAIN_GRACE))) {
                    return fail(run, host, "the drain of host " + host.hostId() + " did not finish within " + seconds(run.drainDeadline().plus(DRAIN_GRACE))
                            + ": its tasks were not reported STOPPED", now, actions);
                }
                return run;
            }
        }
    }

    private PatchRun command(PatchRun run, PatchHost host, PatchCommandStatus status, Instant now, List<PatchAction> actions)
    {
        Instant deadline = host.stepStartedAt().plus(run.commandTimeout()).plus(COMMAND_GRACE);
        if (status == null) {
            if (now.isAfter(deadline)) {
                return fail(run, host, run.reboot()
                        ? "host " + host.hostId() + " did not come back within " + seconds(run.commandTimeout()) + " of its command (no new agent answered)"
                        : "the agent of host " + host.hostId() + " did not answer about its command for " + seconds(Duration.between(host.stepStartedAt(), now)), now, actions);
            }
            if (host.agentInstance() == null) {
                actions.add(new PatchAction.StartCommand(host.hostId())); // never reached the agent yet: try again
            }
            return run; // with reboot, an agent that does not answer is expected for a while
        }
        if (host.agentInstance() == null) {
            // the agent process the command runs on: a later answer from another one means the agent restarted
            host = host.withAgentInstance(status.agentInstance());
            run = run.withHost(host);
        }
        if (status.state() == PatchCommandStatus.State.UNKNOWN && status.agentInstance().equals(host.agentInstance())) {
            // the start never reached this agent process: start it, which runs it at most once
            actions.add(new PatchAction.StartCommand(host.hostId()));
            return run;
        }
        if (run.upgradesAgents()) {
            return upgrading(run, host, status, deadline, now, actions);
        }
        if (!status.agentInstance().equals(host.agentInstance())) {
            if (!run.reboot()) {
                return fail(run, host, "the agent of host " + host.hostId() + " restarted while the command ran (give --reboot to a command that restarts it)",
                        now, actions);
            }
            actions.add(new PatchAction.Event(EventType.HOST_PATCH_COMMAND_ENDED, host.hostId(), "patch " + run.runId() + ": the host is back with a new agent"
                    + (host.exitCode() == null ? "" : " (the command had exited " + host.exitCode() + ")")));
            actions.add(new PatchAction.Signal(host.hostId()));
            return run.withHost(host.at(Step.HEALTH_CHECK, now, "waiting for a heartbeat"));
        }
        return switch (status.state()) {
            case RUNNING -> now.isAfter(deadline)
                    ? fail(run, host, "the command on host " + host.hostId() + " was still running " + seconds(Duration.between(host.stepStartedAt(), now))
                    + " after it started", now, actions)
                    : run;
            case SUCCEEDED -> {
                PatchHost ended = host.withResult(status.exitCode(), status.output());
                if (run.reboot()) {
                    // the agent or host restarts when the command is done with it: wait for the new agent, within the deadline
                    if (now.isAfter(deadline)) {
                        yield fail(run, ended, "the command on host " + host.hostId() + " exited 0 but the agent did not restart within "
                                + seconds(run.commandTimeout()), now, actions);
                    }
                    yield host.exitCode() == null ? run.withHost(ended.at(Step.COMMAND, host.stepStartedAt(), "the command exited 0; waiting for the agent to restart")) : run;
                }
                actions.add(new PatchAction.Event(EventType.HOST_PATCH_COMMAND_ENDED, host.hostId(), "patch " + run.runId() + ": the command exited 0"
                        + outputTail(status.output())));
                actions.add(new PatchAction.Signal(host.hostId()));
                yield run.withHost(ended.at(Step.HEALTH_CHECK, now, "waiting for a heartbeat"));
            }
            case FAILED -> fail(run, host.withResult(status.exitCode(), status.output()), "the command on host " + host.hostId()
                    + (status.exitCode() == null ? " could not run" : " exited " + status.exitCode()) + outputTail(status.output()), now, actions);
            case TIMED_OUT -> fail(run, host.withResult(null, status.output()), "the command on host " + host.hostId() + " did not finish within "
                    + seconds(run.commandTimeout()) + " and was killed" + outputTail(status.output()), now, actions);
            case UNKNOWN -> run;
        };
    }

    /**
     * An agent upgrading itself: the old agent process answers RUNNING while it installs the build, or FAILED (the build
     * was refused, the agent goes on); then the new process answers, RUNNING until it synced, SUCCEEDED, or FAILED from
     * the old build when the new one was rolled back.
     */
    private PatchRun upgrading(PatchRun run, PatchHost host, PatchCommandStatus status, Instant deadline, Instant now, List<PatchAction> actions)
    {
        boolean restarted = !status.agentInstance().equals(host.agentInstance());
        return switch (status.state()) {
            case RUNNING -> now.isAfter(deadline)
                    ? fail(run, host, "the upgrade of host " + host.hostId() + " did not finish within " + seconds(run.commandTimeout()) + outputTail(status.output()), now, actions)
                    : run;
            case SUCCEEDED -> {
                if (!restarted) {
                    yield run; // the old agent does not say SUCCEEDED; wait for the new one
                }
                actions.add(new PatchAction.Event(EventType.HOST_PATCH_COMMAND_ENDED, host.hostId(), "patch " + run.runId() + outputTail(status.output())));
                actions.add(new PatchAction.Signal(host.hostId()));
                yield run.withHost(host.withResult(status.exitCode(), status.output()).at(Step.HEALTH_CHECK, now, "waiting for a heartbeat"));
            }
            case FAILED, TIMED_OUT -> fail(run, host.withResult(null, status.output()), "the upgrade of host " + host.hostId() + " failed" + outputTail(status.output()),
                    now, actions);
            case UNKNOWN -> fail(run, host, "the agent of host " + host.hostId() + " restarted and knows nothing of the upgrade (was it started by hand with another build?)",
                    now, actions);
        };
    }

    private PatchRun healthCheck(PatchRun run, PatchHost host, HostView view, Instant now, List<PatchAction> actions)
    {
        if (!view.lastHeartbeat().isBefore(host.stepStartedAt()) && run.upgradesAgents()) {
            // never drained nor cordoned: the host stays in the state the operator left it in
            actions.add(new PatchAction.Event(EventType.HOST_PATCHED, host.hostId(), "patch " + run.runId() + ": agent upgraded and healthy ("
                    + (done(run) + 1) + " of " + run.hosts().size() + ")"));
            return run.withHost(host.at(Step.DONE, now, null));
        }
        if (!view.lastHeartbeat().isBefore(host.stepStartedAt())) {
            actions.add(new PatchAction.Uncordon(host.hostId()));
            actions.add(new PatchAction.Event(EventType.HOST_PATCHED, host.hostId(), "patch " + run.runId() + ": host patched, healthy and back in service ("
                    + (done(run) + 1) + " of " + run.hosts().size() + ")"));
            return run.withHost(host.at(Step.DONE, now, null));
        }
        if (now.isAfter(host.stepStartedAt().plus(HEALTH_TIMEOUT))) {
            return fail(run, host, "host " + host.hostId() + " did not heartbeat within " + seconds(HEALTH_TIMEOUT) + " after its command", now, actions);
        }
        actions.add(new PatchAction.Signal(host.hostId()));
        return run;
    }

    /** Drains the next pending hosts while fewer than maxUnavailable are in flight and their service tasks fit elsewhere. */
    private PatchRun startNext(PatchRun run, PatchSnapshot snapshot, List<PatchAction> actions)
    {
        PatchRun next = run.withWaiting(null);
        while (next.failure() == null && next.inFlight() < next.maxUnavailable()) {
            PatchHost pending = next.hosts().stream().filter(host -> host.step() == Step.PENDING).findFirst().orElse(null);
            if (pending == null) {
                return next;
            }
            HostView view = snapshot.hosts().get(pending.hostId());
            if (view == null) {
                return fail(next, pending, "host " + pending.hostId() + " is no longer joined", snapshot.now(), actions);
            }
            if (view.state() == HostState.LOST) {
                return fail(next, pending, "host " + pending.hostId() + " is LOST: it cannot be patched", snapshot.now(), actions);
            }
            if (next.upgradesAgents()) {
                // an upgrade moves no task: the agent restarts as the new build while its containers run on
                actions.add(new PatchAction.StartCommand(pending.hostId()));
                actions.add(new PatchAction.Event(EventType.HOST_PATCH_STARTED, pending.hostId(), "patch " + next.runId() + ": upgrading the agent ("
                        + (done(next) + next.inFlight() + 1) + " of " + next.hosts().size() + ")"));
                next = next.withHost(pending.at(Step.COMMAND, snapshot.now(), "upgrading the agent"));
                continue;
            }
            String noRoom = roomFor(next, pending.hostId(), snapshot);
            if (noRoom != null) {
                if (next.inFlight() == 0) {
                    return fail(next, pending, noRoom, snapshot.now(), actions);
                }
                return next.withWaiting(noRoom + "; waiting for the hosts in flight");
            }
            actions.add(new PatchAction.Drain(pending.hostId()));
            actions.add(new PatchAction.Event(EventType.HOST_PATCH_STARTED, pending.hostId(), "patch " + next.runId() + ": draining the host ("
                    + (done(next) + next.inFlight() + 1) + " of " + next.hosts().size() + ")"));
            next = next.withHost(pending.at(Step.DRAINING, snapshot.now(), "draining"));
        }
        return next;
    }

    /**
     * Null when the service tasks of the hosts in flight (those still on them) and of candidate fit, first fit
     * largest first, into the free room of the ACTIVE hosts outside the run's flight; otherwise why not.
     */
    static String roomFor(PatchRun run, String candidate, PatchSnapshot snapshot)
    {
        List<String> leaving = new ArrayList<>();
        leaving.add(candidate);
        run.hosts().stream().filter(host -> host.step().inFlight()).map(PatchHost::hostId).forEach(leaving::add);
        List<TaskSize> moving = new ArrayList<>();
        for (String hostId : leaving) {
            HostView view = snapshot.hosts().get(hostId);
            if (view != null) {
                moving.addAll(view.serviceTasks());
            }
        }
        List<long[]> free = new ArrayList<>();
        for (HostView view : snapshot.hosts().values()) {
            if (view.state() == HostState.ACTIVE && !leaving.contains(view.hostId())) {
                free.add(new long[] {view.cpuFree(), view.memoryFree()});
            }
        }
        moving.sort(Comparator.comparingLong(TaskSize::memory).thenComparingInt(TaskSize::cpu).reversed());
        for (TaskSize task : moving) {
            long[] room = free.stream().filter(host -> host[0] >= task.cpu() && host[1] >= task.memory()).findFirst().orElse(null);
            if (room == null) {
                long cpu = moving.stream().mapToLong(TaskSize::cpu).sum();
                long memory = moving.stream().mapToLong(TaskSize::memory).sum();
                return "not enough room to move the service tasks away from host " + candidate + ": " + moving.size() + " service task(s) of "
                        + cpu + " cpu units and " + memory + " MiB in all need a place on the " + free.size() + " other ACTIVE host(s)";
            }
            room[0] -= task.cpu();
            room[1] -= task.memory();
        }
        return null;
    }

    private static PatchRun finishIfDone(PatchRun run, Instant now, List<PatchAction> actions)
    {
        if (run.inFlight() > 0) {
            return run;
        }
        if (run.failure() != null) {
            actions.add(new PatchAction.Event(EventType.PATCH_FAILED, null, "patch " + run.runId() + " FAILED: " + run.failure()));
            return run.finished(PatchRun.Status.FAILED, now);
        }
        if (run.hosts().stream().allMatch(host -> host.step() == Step.DONE)) {
            actions.add(new PatchAction.Event(EventType.PATCH_COMPLETED, null, "patch " + run.runId() + " COMPLETED: " + run.hosts().size() + " host(s) patched"));
            return run.finished(PatchRun.Status.COMPLETED, now);
        }
        return run;
    }

    private static PatchRun fail(PatchRun run, PatchHost host, String why, Instant now, List<PatchAction> actions)
    {
        actions.add(new PatchAction.Event(EventType.HOST_PATCH_FAILED, host.hostId(), "patch " + run.runId() + ": " + why
                + (run.upgradesAgents() ? "; the host's tasks run on" : "; the host stays cordoned")));
        return run.withHost(host.at(Step.FAILED, now, why)).withFailure(why);
    }

    private static long done(PatchRun run)
    {
        return run.hosts().stream().filter(host -> host.step() == Step.DONE).count();
    }

    private static String outputTail(String output)
    {
        if (output == null || output.isBlank()) {
            return "";
        }
        String text = output.strip();
        return ": " + (text.length() > EVENT_OUTPUT_CHARACTERS ? "..." + text.substring(text.length() - EVENT_OUTPUT_CHARACTERS) : text);
    }

    private static String seconds(Duration duration)
    {
        return duration.toSeconds() + " s";
    }
}
