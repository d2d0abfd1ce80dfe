package io.berth.controlplane.patching;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.common.patching.PatchCommandStatus.State;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.events.ClusterEvent;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.hosts.SpotInterrupter;
import io.berth.controlplane.patching.PatchHost.Step;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.store.Store;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The coordinator over a real store (SQLite and PostgreSQL), with agents that answer as the real ones do: a run goes host
 * by host to COMPLETED, a control plane that restarts mid-run goes on without starting a command twice, and a run
 * that cannot be started is refused with what to fix.
 */
abstract class PatchCoordinatorContractTest
{
    private final ManualClock clock = new ManualClock();
    private final HostSignals signals = new HostSignals();
    private final FakeAgents agents = new FakeAgents();
    private Store store;
    private HostService hosts;
    private PatchService patches;

    protected abstract String jdbcUrl();

    @BeforeEach
    void open()
    {
        store = Store.open(jdbcUrl());
        // no credential is kept anywhere in this test: a removal has no replica to tell
        hosts = new HostService(store, signals, Duration.ofMinutes(1), clock, hostId -> {});
        patches = new PatchService(store, clock);
        heartbeat("host-a", 9000);
        heartbeat("host-b", 9000);
    }

    @AfterEach
    void close()
    {
        // the PostgreSQL database is the class's: a run left RUNNING would refuse the next test's
        store.useTransaction(transaction -> transaction.patchRuns().running()
                .forEach(run -> transaction.patchRuns().update(run.finished(PatchRun.Status.FAILED, clock.instant()))));
        store.close();
    }

    @Test
    void patchesEachHostInTurnAndGoesOnAfterARestartWithoutRunningACommandTwice()
    {
        PatchRun run = patches.start(new PatchRequest(List.of("host-a", "host-b"), false, "apt-get -y upgrade", 1, false, Duration.ofMinutes(5), Duration.ofSeconds(30)));
        PatchCoordinator coordinator = coordinator();

        coordinator.advance();
        // host-a holds no task: its drain is done at once and it is CORDONED
        assertThat(hosts.find("host-a").host().state()).isEqualTo(HostState.CORDONED);
        assertThat(hosts.find("host-b").host().state()).isEqualTo(HostState.ACTIVE);
        assertThat(step(run, "host-a")).isEqualTo(Step.DRAINING);
        coordinator.advance();
        assertThat(step(run, "host-a")).isEqualTo(Step.COMMAND);
        assertThat(agents.starts).containsExactly(run.patchId("host-a"));

        // a new control plane reads the run back and goes on: the agent is asked how it goes, not told to start again
        PatchCoordinator restarted = coordinator();
        clock.advance(Duration.ofSeconds(1));
        restarted.advance();
        assertThat(agents.starts).containsExactly(run.patchId("host-a"));
        assertThat(step(run, "host-a")).isEqualTo(Step.COMMAND);

        agents.finish(run.patchId("host-a"), 0, "upgraded\n");
        restarted.advance();
        assertThat(step(run, "host-a")).isEqualTo(Step.HEALTH_CHECK);
        clock.advance(Duration.ofSeconds(1));
        heartbeat("host-a", 9000);
        restarted.advance();
        assertThat(step(run, "host-a")).isEqualTo(Step.DONE);
        assertThat(hosts.find("host-a").host().state()).isEqualTo(HostState.ACTIVE);
        assertThat(step(run, "host-b")).isEqualTo(Step.DRAINING);

        restarted.advance();
        agents.finish(run.patchId("host-b"), 0, "");
        restarted.advance();
        clock.advance(Duration.ofSeconds(1));
        heartbeat("host-b", 9000);
        restarted.advance();
        PatchRun done = patches.find(run.runId()).orElseThrow();
        assertThat(done.status()).isEqualTo(PatchRun.Status.COMPLETED);
        assertThat(done.host("host-a").output()).isEqualTo("upgraded\n");
        assertThat(agents.starts).containsExactly(run.patchId("host-a"), run.patchId("host-b"));
        assertThat(events()).containsSubsequence(EventType.PATCH_STARTED, EventType.HOST_PATCH_STARTED, EventType.HOST_PATCH_COMMAND_STARTED,
                EventType.HOST_PATCH_COMMAND_ENDED, EventType.HOST_PATCHED, EventType.HOST_PATCH_STARTED, EventType.HOST_PATCHED, EventType.PATCH_COMPLETED);
    }

    @Test
    void anUpgradeAsksEachAgentToUpgradeWithoutADrainAndIsDoneWhenTheNewAgentSaysSoAndHeartbeats()
    {
        AgentUpgradeTarget target = new AgentUpgradeTarget("https://builds.example/berth-0.2.0.tar.gz", "ab".repeat(32));
        PatchRun run = patches.start(PatchRequest.upgrade(List.of("host-a"), false, target, 1, Duration.ofMinutes(5)));
        PatchCoordinator coordinator = coordinator();

        coordinator.advance();
        assertThat(patches.find(run.runId()).orElseThrow().upgrade()).as("the target, stored with the run").isEqualTo(target);
        assertThat(step(run, "host-a")).isEqualTo(Step.COMMAND);
        assertThat(hosts.find("host-a").host().state()).as("an upgrade drains nothing").isEqualTo(HostState.ACTIVE);
        assertThat(agents.upgrades).containsExactly(run.patchId("host-a") + " https://builds.example/berth-0.2.0.tar.gz");
        assertThat(agents.starts).isEmpty();

        // the process became the new build: another instance answers
        agents.statuses.put(run.patchId("host-a"), new PatchCommandStatus(run.patchId("host-a"), State.SUCCEEDED, 0, "upgraded from build 0.1.0 to build 0.2.0",
                "agent-host-a-new"));
        clock.advance(Duration.ofSeconds(1));
        coordinator.advance();
        assertThat(step(run, "host-a")).isEqualTo(Step.HEALTH_CHECK);
        clock.advance(Duration.ofSeconds(1));
        heartbeat("host-a", 9000);
        coordinator.advance();
        PatchRun done = patches.find(run.runId()).orElseThrow();
        assertThat(done.status()).isEqualTo(PatchRun.Status.COMPLETED);
        assertThat(done.host("host-a").output()).isEqualTo("upgraded from build 0.1.0 to build 0.2.0");
        assertThat(hosts.find("host-a").host().state()).isEqualTo(HostState.ACTIVE);
    }

    @Test
    void anAgentThatCannotBeReachedIsAskedAgainAndFailsTheHostAtTheDeadline()
    {
        PatchRun run = patches.start(new PatchRequest(List.of("host-b"), false, "true", 1, false, Duration.ofSeconds(10), Duration.ofSeconds(30)));
        agents.unreachable = true;
        PatchCoordinator coordinator = coordinator();
        coordinator.advance();
        coordinator.advance();
        assertThat(step(run, "host-b")).isEqualTo(Step.COMMAND);
        assertThat(agents.starts).isEmpty();
        clock.advance(Duration.ofSeconds(10).plus(PatchPlanner.COMMAND_GRACE).plusSeconds(1));
        coordinator.advance();
        PatchRun failed = patches.find(run.runId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(PatchRun.Status.FAILED);
        assertThat(failed.failure()).isEqualTo("the agent of host host-b did not answer about its command for 41 s");
        assertThat(hosts.find("host-b").host().state()).as("a failed host stays out of service").isEqualTo(HostState.CORDONED);
    }

    @Test
    void refusesARunThatCannotBeCarriedOut()
    {
        heartbeat("host-local", 0);
        assertThatThrownBy(() -> patches.start(request(List.of("host-x"), "true")))
                .isInstanceOf(InvalidRequestException.class).hasMessage("No host host-x has joined this control plane; `berth host ls` lists the hosts.");
        assertThatThrownBy(() -> patches.start(request(List.of("host-local"), "true")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Host host-local has no agent endpoint");
        assertThatThrownBy(() -> patches.start(request(List.of("host-a"), " ")))
                .isInstanceOf(InvalidRequestException.class).hasMessage("command is empty: give the command to run on each host.");
        assertThatThrownBy(() -> patches.start(request(List.of("host-a", "host-a"), "true")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("names a host twice");
        PatchRun first = patches.start(request(List.of("host-a"), "true"));
        assertThatThrownBy(() -> patches.start(request(List.of("host-b"), "true")))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("Patch run " + first.runId() + " is still RUNNING");
        assertThat(patches.latest(10)).extracting(PatchRun::runId).contains(first.runId());
    }

    private static PatchRequest request(List<String> hostIds, String command)
    {
        return new PatchRequest(hostIds, false, command, 1, false, Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    private PatchCoordinator coordinator()
    {
        return new PatchCoordinator(store, hosts, new SpotInterrupter(store, signals, clock), signals, agents, new PatchPlanner(), clock);
    }

    private Step step(PatchRun run, String hostId)
    {
        return patches.find(run.runId()).orElseThrow().host(hostId).step();
    }

    private List<EventType> events()
    {
        return store.inTransaction(transaction -> transaction.events().after(null, 0, 1000)).stream().map(ClusterEvent::type)
                .filter(type -> type.name().contains("PATCH")).toList();
    }

    private void heartbeat(String hostId, int agentPort)
    {
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(
                new HostInfo(hostId, "10.0.0.1", 2048, 4096, Map.of(), agentPort), clock.instant()));
    }

    /** Agents as the real ones answer: one process each (instance "agent-HOST"), a patch started once, ended when the test says. */
    private static final class FakeAgents
            implements PatchAgents
    {
        final List<String> starts = new ArrayList<>();
        final List<String> upgrades = new ArrayList<>();
        final Map<String, PatchCommandStatus> statuses = new HashMap<>();
        boolean unreachable;

        @Override
        public PatchCommandStatus start(String hostId, String patchId, PatchCommandRequest request)
        {
            reachable(hostId);
            if (!statuses.containsKey(patchId)) {
                starts.add(patchId);
                statuses.put(patchId, new PatchCommandStatus(patchId, State.RUNNING, null, "", "agent-" + hostId));
            }
            return statuses.get(patchId);
        }

        @Override
        public PatchCommandStatus upgrade(String hostId, String patchId, AgentUpgradeRequest request)
        {
            reachable(hostId);
            if (!statuses.containsKey(patchId)) {
                upgrades.add(patchId + " " + request.build());
                statuses.put(patchId, new PatchCommandStatus(patchId, State.RUNNING, null, "", "agent-" + hostId));
            }
            return statuses.get(patchId);
        }

        @Override
        public PatchCommandStatus status(String hostId, String patchId)
        {
            reachable(hostId);
            return statuses.getOrDefault(patchId, new PatchCommandStatus(patchId, State.UNKNOWN, null, "", "agent-" + hostId));
        }

        void finish(String patchId, int exitCode, String output)
        {
            PatchCommandStatus running = statuses.get(patchId);
            statuses.put(patchId, new PatchCommandStatus(patchId, exitCode == 0 ? State.SUCCEEDED : State.FAILED, exitCode, output, running.agentInstance()));
        }

        private void reachable(String hostId)
        {
            if (unreachable) {
                throw new UncheckedIOException(new IOException("cannot reach the agent of host " + hostId));
            }
        }
    }
}
