package io.berth.controlplane.patching;

import io.berth.common.patching.PatchCommandStatus;
import io.berth.common.patching.PatchCommandStatus.State;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.patching.PatchHost.Step;
import io.berth.controlplane.patching.PatchSnapshot.HostView;
import io.berth.controlplane.patching.PatchSnapshot.TaskSize;
import io.berth.controlplane.scheduler.HostState;
import io.berth.common.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PatchPlannerTest
{
    private static final Instant START = Instant.parse("2026-12-02T03:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final PatchPlanner planner = new PatchPlanner();
    private final Map<String, HostView> hosts = new HashMap<>();
    private final Map<String, PatchCommandStatus> commands = new HashMap<>();
    private Instant now = START;

    @Test
    void drainsNoMoreThanMaxUnavailableAtOnceInTheRunsOrder()
    {
        fleet("a", "b", "c");
        PatchDecision first = planner.plan(run(1, false, "a", "b", "c"), snapshot());
        assertThat(first.actions()).filteredOn(PatchAction.Drain.class::isInstance).containsExactly(new PatchAction.Drain("a"));
        assertThat(steps(first.run())).containsExactly(Step.DRAINING, Step.PENDING, Step.PENDING);

        PatchDecision two = planner.plan(run(2, false, "a", "b", "c"), snapshot());
        assertThat(two.actions()).filteredOn(PatchAction.Drain.class::isInstance).containsExactly(new PatchAction.Drain("a"), new PatchAction.Drain("b"));

        // while a is in flight, nothing more starts at maxUnavailable 1
        host("a", HostState.DRAINING, START, List.of());
        PatchDecision again = planner.plan(first.run(), snapshot());
        assertThat(again.actions()).noneMatch(PatchAction.Drain.class::isInstance);
        assertThat(again.run().inFlight()).isEqualTo(1);
    }

    @Test
    void aHostGoesThroughDrainCommandHealthCheckAndIsUncordoned()
    {
        fleet("a", "b");
        PatchRun run = planner.plan(run(1, false, "a", "b"), snapshot()).run();
        // drained: the host is CORDONED once it holds no task
        host("a", HostState.CORDONED, START, List.of());
        later(5);
        PatchDecision command = planner.plan(run, snapshot());
        assertThat(command.actions()).contains(new PatchAction.StartCommand("a"));
        assertThat(command.run().host("a").step()).isEqualTo(Step.COMMAND);

        later(1);
        commands.put("a", status("a", State.RUNNING, null, "agent-1"));
        PatchRun running = planner.plan(command.run(), snapshot()).run();
        assertThat(running.host("a").agentInstance()).isEqualTo("agent-1");
        assertThat(running.host("a").step()).isEqualTo(Step.COMMAND);

        later(3);
        commands.put("a", status("a", State.SUCCEEDED, 0, "agent-1"));
        PatchDecision ended = planner.plan(running, snapshot());
        assertThat(ended.run().host("a").step()).isEqualTo(Step.HEALTH_CHECK);
        assertThat(ended.run().host("a").exitCode()).isZero();
        assertThat(ended.actions()).contains(new PatchAction.Signal("a"));
        commands.clear();

        // the last heartbeat came before the command ended: wait for a fresh one
        later(1);
        assertThat(planner.plan(ended.run(), snapshot()).run().host("a").step()).isEqualTo(Step.HEALTH_CHECK);
        host("a", HostState.CORDONED, now, List.of());
        PatchDecision healthy = planner.plan(ended.run(), snapshot());
        assertThat(healthy.actions()).contains(new PatchAction.Uncordon("a"), new PatchAction.Drain("b"));
        assertThat(steps(healthy.run())).containsExactly(Step.DONE, Step.DRAINING);
        assertThat(events(healthy)).contains(EventType.HOST_PATCHED, EventType.HOST_PATCH_STARTED);
    }

    @Test
    void theLastHostDoneCompletesTheRun()
    {
        fleet("a");
        PatchRun run = run(1, false, "a");
        run = run.withHost(run.host("a").at(Step.HEALTH_CHECK, START, null));
        host("a", HostState.CORDONED, START.plusSeconds(1), List.of());
        later(2);
        PatchDecision decision = planner.plan(run, snapshot());
        assertThat(decision.run().status()).isEqualTo(PatchRun.Status.COMPLETED);
        assertThat(decision.run().finishedAt()).isEqualTo(now);
        assertThat(events(decision)).contains(EventType.PATCH_COMPLETED);
        // a finished run decides nothing more
        assertThat(planner.plan(decision.run(), snapshot()).actions()).isEmpty();
    }

    @Test
    void aFailingCommandStopsTheRunAtThatHost()
    {
        fleet("a", "b", "c");
        PatchRun run = commandRunning(run(2, false, "a", "b", "c"), "a", "agent-a");
        run = run.withHost(run.host("b").at(Step.DRAINING, START, "draining"));
        hosts.put("b", new HostView("b", HostState.DRAINING, START, 0, 0, List.of()));
        commands.put("a", exited("a", State.FAILED, 3, "E: unable to fetch archives"));
        PatchDecision failed = planner.plan(run, snapshot());
        assertThat(failed.run().host("a").step()).isEqualTo(Step.FAILED);
        assertThat(failed.run().host("a").exitCode()).isEqualTo(3);
        assertThat(failed.run().failure()).contains("exited 3").contains("unable to fetch archives");
        // c does not start though a left the flight; the run waits for b, in flight, before it ends FAILED
        assertThat(failed.actions()).noneMatch(PatchAction.Drain.class::isInstance);
        assertThat(failed.actions()).noneMatch(PatchAction.Uncordon.class::isInstance);
        assertThat(failed.run().status()).isEqualTo(PatchRun.Status.RUNNING);
        assertThat(failed.run().host("c").step()).isEqualTo(Step.PENDING);
        assertThat(events(failed)).contains(EventType.HOST_PATCH_FAILED);

        PatchRun bDone = failed.run().withHost(failed.run().host("b").at(Step.DONE, now, null));
        PatchDecision end = planner.plan(bDone, snapshot());
        assertThat(end.run().status()).isEqualTo(PatchRun.Status.FAILED);
        assertThat(end.run().host("c").step()).isEqualTo(Step.PENDING);
        assertThat(events(end)).contains(EventType.PATCH_FAILED);
    }

    @Test
    void aCommandThatTimedOutOrAHostLostOrAnAgentThatRestartedUnaskedFailsTheHost()
    {
        fleet("a");
        PatchRun run = commandRunning(run(1, false, "a"), "a", "agent-a");
        commands.put("a", new PatchCommandStatus(run.patchId("a"), State.TIMED_OUT, null, "[killed]", "agent-a"));
        assertThat(planner.plan(run, snapshot()).run().failure()).contains("did not finish within 300 s");

        commands.put("a", new PatchCommandStatus(run.patchId("a"), State.UNKNOWN, null, "", "agent-new"));
        assertThat(planner.plan(run, snapshot()).run().failure()).contains("restarted while the command ran");

        commands.clear();
        host("a", HostState.LOST, START, List.of());
        assertThat(planner.plan(run, snapshot()).run().failure()).contains("was lost during its patch");
    }

    @Test
    void anAgentThatDoesNotAnswerPastTheDeadlineFailsTheHost()
    {
        fleet("a");
        PatchRun run = commandRunning(run(1, false, "a"), "a", "agent-a");
        later(60);
        assertThat(planner.plan(run, snapshot()).run().host("a").step()).isEqualTo(Step.COMMAND);
        now = START.plus(TIMEOUT).plus(PatchPlanner.COMMAND_GRACE).plusSeconds(1);
        PatchRun failed = planner.plan(run, snapshot()).run();
        assertThat(failed.host("a").step()).isEqualTo(Step.FAILED);
        assertThat(failed.status()).isEqualTo(PatchRun.Status.FAILED);
    }

    @Test
    void withRebootTheHostIsBackOnceANewAgentAnswersAndHeartbeats()
    {
        fleet("a");
        PatchRun run = commandRunning(run(1, true, "a"), "a", "agent-a");
        commands.put("a", status("a", State.SUCCEEDED, 0, "agent-a"));
        later(2);
        PatchRun exited = planner.plan(run, snapshot()).run();
        assertThat(exited.host("a").step()).as("waits for the restart").isEqualTo(Step.COMMAND);
        // the agent is down a while: no answer is no failure before the deadline
        commands.clear();
        later(20);
        assertThat(planner.plan(exited, snapshot()).run().host("a").step()).isEqualTo(Step.COMMAND);
        commands.put("a", new PatchCommandStatus(run.patchId("a"), State.UNKNOWN, null, "", "agent-b"));
        later(5);
        PatchDecision back = planner.plan(exited, snapshot());
        assertThat(back.run().host("a").step()).isEqualTo(Step.HEALTH_CHECK);
        assertThat(back.actions()).noneMatch(PatchAction.StartCommand.class::isInstance);
        host("a", HostState.CORDONED, now.plusSeconds(1), List.of());
        later(1);
        assertThat(planner.plan(back.run(), snapshot()).run().status()).isEqualTo(PatchRun.Status.COMPLETED);
    }

    @Test
    void aHostWhoseServiceTasksFitNowhereElseWaitsOrFailsWhenNothingIsInFlight()
    {
        // each host has room for one more task of 256/512; a holds three service tasks, b one
        host("a", HostState.ACTIVE, START, List.of(new TaskSize(256, 512), new TaskSize(256, 512), new TaskSize(256, 512)), 256, 512);
        host("b", HostState.ACTIVE, START, List.of(new TaskSize(256, 512)), 256, 512);
        host("c", HostState.ACTIVE, START, List.of(), 256, 512);
        PatchDecision decision = planner.plan(run(1, false, "a", "b", "c"), snapshot());
        assertThat(decision.run().status()).isEqualTo(PatchRun.Status.FAILED);
        assertThat(decision.run().failure()).contains("not enough room to move the service tasks away from host a");
        assertThat(decision.actions()).noneMatch(PatchAction.Drain.class::isInstance);

        // b's one task fits on c; with b in flight, c (whose move needs b's room too) waits for b
        PatchDecision second = planner.plan(run(2, false, "b", "c", "a"), snapshot());
        assertThat(second.actions()).filteredOn(PatchAction.Drain.class::isInstance).containsExactly(new PatchAction.Drain("b"), new PatchAction.Drain("c"));
        PatchRun bInFlight = run(1, false, "b", "a").withHost(PatchHost.pending("b").at(Step.DRAINING, START, "draining"));
        PatchDecision waiting = planner.plan(run(2, false, "b", "a").withHost(bInFlight.host("b")), snapshot());
        assertThat(waiting.run().waiting()).contains("not enough room").contains("waiting for the hosts in flight");
        assertThat(waiting.run().status()).isEqualTo(PatchRun.Status.RUNNING);
    }

    @Test
    void aStoredRunContinuesWhereItStoppedAfterARestart()
            throws Exception
    {
        fleet("a", "b");
        PatchRun run = commandRunning(run(1, false, "a", "b"), "a", "agent-a");
        // a control plane that restarts reads the run back from its JSON body and goes on from the same step
        PatchRun stored = Json.mapper().readValue(Json.mapper().writeValueAsString(run), PatchRun.class);
        assertThat(stored).isEqualTo(run);
        commands.put("a", status("a", State.RUNNING, null, "agent-a"));
        PatchDecision decision = planner.plan(stored, snapshot());
        assertThat(decision.actions()).as("the command is not started again").noneMatch(PatchAction.StartCommand.class::isInstance);
        assertThat(steps(decision.run())).containsExactly(Step.COMMAND, Step.PENDING);

        // a run stored between the host's COMMAND step and the start's answer asks again, which the agent runs at most once
        PatchRun unanswered = run.withHost(run.host("a").withAgentInstance(null));
        commands.put("a", new PatchCommandStatus(run.patchId("a"), State.UNKNOWN, null, "", "agent-a"));
        assertThat(planner.plan(unanswered, snapshot()).actions()).contains(new PatchAction.StartCommand("a"));
    }

    @Test
    void anUpgradeStartsOnEachHostWithoutADrainAndEndsWhenTheNewAgentSaysItSyncedAndHeartbeats()
    {
        fleet("a", "b");
        // b's service task would not fit anywhere: an upgrade moves no task, so it does not matter
        host("b", HostState.ACTIVE, START, List.of(new TaskSize(4096, 8192)));
        PatchDecision first = planner.plan(upgrade(2, "a", "b"), snapshot());
        assertThat(first.actions()).noneMatch(PatchAction.Drain.class::isInstance)
                .contains(new PatchAction.StartCommand("a"), new PatchAction.StartCommand("b"));
        assertThat(steps(first.run())).containsExactly(Step.COMMAND, Step.COMMAND);

        PatchRun run = first.run().withHost(first.run().host("a").withAgentInstance("old-a")).withHost(first.run().host("b").withAgentInstance("old-b"));
        commands.put("a", status("a", State.RUNNING, null, "installing the build", "old-a"));
        commands.put("b", status("b", State.RUNNING, null, "build 0.2.0 started; waiting for its first sync", "new-b"));
        later(5);
        assertThat(steps(planner.plan(run, snapshot()).run())).as("both still upgrading").containsExactly(Step.COMMAND, Step.COMMAND);

        commands.put("b", status("b", State.SUCCEEDED, 0, "upgraded from build 0.1.0 to build 0.2.0", "new-b"));
        PatchDecision back = planner.plan(run, snapshot());
        assertThat(steps(back.run())).containsExactly(Step.COMMAND, Step.HEALTH_CHECK);
        later(2);
        host("b", HostState.ACTIVE, now, List.of());
        PatchDecision done = planner.plan(back.run(), snapshot());
        assertThat(steps(done.run())).containsExactly(Step.COMMAND, Step.DONE);
        assertThat(done.actions()).as("a host that was never cordoned is not uncordoned").noneMatch(PatchAction.Uncordon.class::isInstance);
        assertThat(done.run().host("b").output()).isEqualTo("upgraded from build 0.1.0 to build 0.2.0");
    }

    @Test
    void anUpgradeRefusedByTheOldAgentOrRolledBackByTheNewFailsTheRunAndSaysWhy()
    {
        fleet("a");
        PatchRun run = planner.plan(upgrade(1, "a"), snapshot()).run();
        run = run.withHost(run.host("a").withAgentInstance("old-a"));

        commands.put("a", status("a", State.FAILED, null, "the upgrade failed: the build at /b.tar has SHA-256 00, not the 11 given", "old-a"));
        PatchDecision refused = planner.plan(run, snapshot());
        assertThat(refused.run().status()).isEqualTo(PatchRun.Status.FAILED);
        assertThat(refused.run().failure()).isEqualTo("the upgrade of host a failed: the upgrade failed: the build at /b.tar has SHA-256 00, not the 11 given");
        assertThat(refused.actions()).filteredOn(PatchAction.Event.class::isInstance).map(action -> ((PatchAction.Event) action).message())
                .anyMatch(message -> message.endsWith("; the host's tasks run on"));

        commands.put("a", status("a", State.FAILED, null, "build 0.2.0 did not come back (it did not start); rolled back to build 0.1.0", "rolled-back-a"));
        assertThat(planner.plan(run, snapshot()).run().failure()).endsWith("rolled back to build 0.1.0");

        commands.put("a", status("a", State.UNKNOWN, null, "", "other-a"));
        assertThat(planner.plan(run, snapshot()).run().failure()).startsWith("the agent of host a restarted and knows nothing of the upgrade");
    }

    private PatchRun upgrade(int maxUnavailable, String... hostIds)
    {
        List<PatchHost> pending = new ArrayList<>();
        for (String hostId : hostIds) {
            pending.add(PatchHost.pending(hostId));
        }
        AgentUpgradeTarget target = new AgentUpgradeTarget("/builds/berth.tar.gz", "cd".repeat(32));
        return new PatchRun("patch-1", target.description(), maxUnavailable, true, TIMEOUT, Duration.ZERO, PatchRun.Status.RUNNING, START, null, null, null, pending,
                target);
    }

    private PatchRun run(int maxUnavailable, boolean reboot, String... hostIds)
    {
        List<PatchHost> pending = new ArrayList<>();
        for (String hostId : hostIds) {
            pending.add(PatchHost.pending(hostId));
        }
        return new PatchRun("patch-1", "apt-get -y upgrade", maxUnavailable, reboot, TIMEOUT, DRAIN, PatchRun.Status.RUNNING, START, null, null, null, pending);
    }

    /** The run with hostId's command started at START on agentInstance, the host cordoned and empty. */
    private PatchRun commandRunning(PatchRun run, String hostId, String agentInstance)
    {
        host(hostId, HostState.CORDONED, START, List.of());
        return run.withHost(run.host(hostId).at(Step.COMMAND, START, "running the command").withAgentInstance(agentInstance));
    }

    private void fleet(String... hostIds)
    {
        for (String hostId : hostIds) {
            host(hostId, HostState.ACTIVE, START, List.of());
        }
    }

    private void host(String hostId, HostState state, Instant heartbeat, List<TaskSize> serviceTasks)
    {
        host(hostId, state, heartbeat, serviceTasks, 1024, 2048);
    }

    private void host(String hostId, HostState state, Instant heartbeat, List<TaskSize> serviceTasks, int cpuFree, long memoryFree)
    {
        hosts.put(hostId, new HostView(hostId, state, heartbeat, cpuFree, memoryFree, serviceTasks));
    }

    private PatchCommandStatus status(String hostId, State state, Integer exitCode, String agentInstance)
    {
        return new PatchCommandStatus("patch-1." + hostId, state, exitCode, "", agentInstance);
    }

    private PatchCommandStatus status(String hostId, State state, Integer exitCode, String output, String agentInstance)
    {
        return new PatchCommandStatus("patch-1." + hostId, state, exitCode, output, agentInstance);
    }

    private PatchCommandStatus exited(String hostId, State state, int exitCode, String output)
    {
        return new PatchCommandStatus("patch-1." + hostId, state, exitCode, output, "agent-" + hostId);
    }

    private PatchSnapshot snapshot()
    {
        return new PatchSnapshot(now, hosts, commands);
    }

    private void later(int seconds)
    {
        now = now.plusSeconds(seconds);
    }

    private static List<Step> steps(PatchRun run)
    {
        return run.hosts().stream().map(PatchHost::step).toList();
    }

    private static List<EventType> events(PatchDecision decision)
    {
        return decision.actions().stream().filter(PatchAction.Event.class::isInstance).map(action -> ((PatchAction.Event) action).type()).toList();
    }
}
