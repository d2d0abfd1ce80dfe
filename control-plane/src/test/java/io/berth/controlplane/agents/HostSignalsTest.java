package io.berth.controlplane.agents;

import io.berth.common.agentprotocol.HostChange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Wake-ups of one host: a change that may touch its tasks, and a change of its network alone, told apart. */
class HostSignalsTest
{
    private static final Duration NO_WAIT = Duration.ZERO;

    private final HostSignals signals = new HostSignals();

    @Test
    void aChangeOfTheNetworkAloneIsToldOnceAndAnyOtherChangeUntilASync()
            throws InterruptedException
    {
        assertThat(signals.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NONE);

        signals.signalNetwork("host-1");
        assertThat(signals.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NETWORK);
        // the waiter fetches the plan next: the change is not told again
        assertThat(signals.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NONE);

        signals.signal("host-1");
        signals.signalNetwork("host-1");
        // a change that may touch the host's tasks wins, and stays until the sync that hands it over
        assertThat(signals.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.ANY);
        assertThat(signals.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.ANY);
        signals.clear("host-1");
        // the sync handed over the network too
        assertThat(signals.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NONE);
        assertThat(signals.awaitChange("host-2", NO_WAIT)).isEqualTo(HostChange.NONE);
    }

    @Test
    void aWaiterThatAnswersEveryChangeWithASyncHearsOfNetworkChangesToo()
            throws InterruptedException
    {
        signals.signalNetwork("host-1");
        assertThat(signals.await("host-1", NO_WAIT)).isTrue();
        // nothing is taken: the sync clears it
        assertThat(signals.await("host-1", NO_WAIT)).isTrue();
        signals.clear("host-1");
        assertThat(signals.await("host-1", NO_WAIT)).isFalse();
    }

    @Test
    void aWaitingAgentIsWokenByEitherKind()
            throws Exception
    {
        CompletableFuture<HostChange> waiting = CompletableFuture.supplyAsync(() -> awaitChange(Duration.ofMinutes(1)));
        signals.signalNetwork("host-1");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(HostChange.NETWORK);

        waiting = CompletableFuture.supplyAsync(() -> awaitChange(Duration.ofMinutes(1)));
        signals.signal("host-1");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(HostChange.ANY);
    }

    @Test
    void changesOfTheNetworkAloneThatFollowEachOtherAreToldTogetherOncePerSpacing()
            throws Exception
    {
        Duration spacing = Duration.ofMillis(300);
        HostSignals spaced = new HostSignals(spacing);
        spaced.signalNetwork("host-1");
        // the first after a quiet spell: at once
        assertThat(spaced.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NETWORK);
        long firstTold = System.nanoTime();

        spaced.signalNetwork("host-1");
        spaced.signalNetwork("host-1");
        // the next ones wait for the spacing, and are told once for both
        assertThat(spaced.awaitChange("host-1", Duration.ofMinutes(1))).isEqualTo(HostChange.NETWORK);
        assertThat(Duration.ofNanos(System.nanoTime() - firstTold)).isGreaterThanOrEqualTo(spacing);
        assertThat(spaced.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NONE);

        // a poll that ends before the spacing has passed takes what is pending rather than answer nothing
        spaced.signalNetwork("host-1");
        assertThat(spaced.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NETWORK);
    }

    @Test
    void aChangeThatMayTouchTheHostsTasksIsNeverHeld()
            throws Exception
    {
        HostSignals spaced = new HostSignals(Duration.ofMinutes(10));
        spaced.signalNetwork("host-1");
        assertThat(spaced.awaitChange("host-1", NO_WAIT)).isEqualTo(HostChange.NETWORK);
        spaced.signalNetwork("host-1");
        CompletableFuture<HostChange> waiting = CompletableFuture.supplyAsync(() -> awaitChange(spaced, Duration.ofMinutes(1)));
        spaced.signal("host-1");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(HostChange.ANY);
        // a waiter that answers every change with a sync is not held either
        spaced.clear("host-1");
        spaced.signalNetwork("host-1");
        assertThat(spaced.await("host-1", Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void everySignalIsPublishedToTheOtherReplicasWithItsKind()
    {
        List<String> published = new ArrayList<>();
        signals.publishTo((hostId, networkOnly) -> published.add(hostId + (networkOnly ? " network" : " any")));
        signals.signal("host-1");
        signals.signalNetwork("host-2");
        // changes another replica made are not sent back
        signals.signalHere("host-3");
        signals.signalNetworkHere("host-4");
        assertThat(published).containsExactly("host-1 any", "host-2 network");
    }

    private HostChange awaitChange(Duration timeout)
    {
        return awaitChange(signals, timeout);
    }

    private static HostChange awaitChange(HostSignals waitedOn, Duration timeout)
    {
        try {
            return waitedOn.awaitChange("host-1", timeout);
        }
        catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
