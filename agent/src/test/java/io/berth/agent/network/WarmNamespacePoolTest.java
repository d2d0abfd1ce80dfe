package io.berth.agent.network;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.berth.agent.network.WarmNamespacePool.WarmNamespace;
import io.berth.agent.process.TaskTransitions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pool's bookkeeping with a stand-in maker; CniTaskNetworkIntegrationTest covers the real namespaces. */
class WarmNamespacePoolTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Records what exists, as the host would hold it. */
    private static final class FakeMaker
            implements WarmNamespacePool.Maker
    {
        final Set<String> existing = ConcurrentHashMap.newKeySet();
        final AtomicInteger made = new AtomicInteger();
        final AtomicInteger renders = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        volatile String subnet = "10.9.0.0/24";

        @Override
        public Optional<WarmNamespace> make(String id)
                throws NetworkException
        {
            if (failing.get()) {
                throw new NetworkException("injected: cannot make " + id);
            }
            made.incrementAndGet();
            existing.add(id);
            return Optional.of(new WarmNamespace(id, "br-" + id, subnet, 1500, 0, JsonNodeFactory.instance.objectNode(), "veth" + id.substring(5, 11)));
        }

        @Override
        public void release(WarmNamespace warm)
        {
            existing.remove(warm.id());
        }

        @Override
        public void idleChanged()
        {
            renders.incrementAndGet();
        }
    }

    @Test
    void aTakeIsMadeGoodOnlyOnceTheTaskStartingOrStoppingIsDone()
            throws InterruptedException
    {
        FakeMaker maker = new FakeMaker();
        TaskTransitions transitions = new TaskTransitions();
        WarmNamespacePool pool = new WarmNamespacePool(1, maker, transitions);
        pool.enable();
        await().atMost(WAIT).until(() -> pool.idleInterfaces().size() == 1);

        TaskTransitions.Transition start = transitions.begin();
        pool.handedOut(pool.take(any -> true).orElseThrow());
        // the make waits for the start (bounded by DEFER_AT_MOST, 3 s): nothing is made beside it
        Thread.sleep(500);
        assertThat(maker.made.get()).isEqualTo(1);

        start.close();
        await().atMost(WAIT).until(() -> maker.made.get() == 2 && pool.idleInterfaces().size() == 1);
    }

    @Test
    void aHostThatNeverStopsStartingStillGetsItsPoolFilled()
    {
        FakeMaker maker = new FakeMaker();
        TaskTransitions transitions = new TaskTransitions();
        WarmNamespacePool pool = new WarmNamespacePool(1, maker, transitions);
        try (TaskTransitions.Transition endless = transitions.begin()) {
            pool.enable();
            await().atMost(WarmNamespacePool.DEFER_AT_MOST.plus(WAIT)).until(() -> pool.idleInterfaces().size() == 1);
            assertThat(transitions.count()).isEqualTo(1);
        }
        assertThat(transitions.count()).isZero();
    }

    @Test
    void fillsToItsSizeHandsEachOutOnceAndMakesTheNext()
    {
        FakeMaker maker = new FakeMaker();
        WarmNamespacePool pool = new WarmNamespacePool(2, maker);
        assertThat(pool.take(any -> true)).isEmpty();
        pool.enable();
        await().atMost(WAIT).until(() -> pool.idleInterfaces().size() == 2);
        assertThat(maker.renders.get()).isGreaterThanOrEqualTo(2);

        List<String> handed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            WarmNamespace warm = pool.take(any -> true).orElseThrow();
            // still quarantined until its task's state is written
            assertThat(pool.idleInterfaces()).contains(warm.hostInterface());
            pool.handedOut(warm);
            assertThat(pool.idleInterfaces()).doesNotContain(warm.hostInterface());
            handed.add(warm.id());
        }
        assertThat(handed).doesNotHaveDuplicates();
        await().atMost(WAIT).until(() -> pool.idleInterfaces().size() == 2);
        WarmNamespace next = pool.take(any -> true).orElseThrow();
        assertThat(handed).doesNotContain(next.id());
        pool.handedOut(next);

        // handed-out ones are their tasks': a release leaves them
        assertThat(pool.release()).isEmpty();
        assertThat(maker.existing).containsExactlyInAnyOrderElementsOf(List.of(handed.get(0), handed.get(1), next.id()));
        assertThat(pool.idleInterfaces()).isEmpty();
    }

    @Test
    void onesThatNoLongerFitAreReleasedAndReplaced()
    {
        FakeMaker maker = new FakeMaker();
        WarmNamespacePool pool = new WarmNamespacePool(2, maker);
        pool.enable();
        await().atMost(WAIT).until(() -> pool.idleInterfaces().size() == 2);
        Set<String> old = Set.copyOf(maker.existing);

        maker.subnet = "10.9.1.0/24";
        assertThat(pool.take(warm -> warm.subnet().equals("10.9.1.0/24"))).isEmpty();

        await().atMost(WAIT).until(() -> maker.existing.stream().noneMatch(old::contains) && maker.existing.size() == 2 && pool.idleInterfaces().size() == 2);
        WarmNamespace fitting = pool.take(warm -> warm.subnet().equals("10.9.1.0/24")).orElseThrow();
        assertThat(old).doesNotContain(fitting.id());
        pool.handedOut(fitting);
        pool.release();
        assertThat(maker.existing).containsExactly(fitting.id());
    }

    @Test
    void aFailingMakerLeavesThePoolEmptyAndTasksMakeTheirOwn()
    {
        FakeMaker maker = new FakeMaker();
        maker.failing.set(true);
        WarmNamespacePool pool = new WarmNamespacePool(3, maker);
        pool.enable();

        assertThat(pool.take(any -> true)).isEmpty();
        assertThat(pool.idleInterfaces()).isEmpty();
        assertThat(maker.existing).isEmpty();

        // it recovers on the next wake once making works again
        maker.failing.set(false);
        pool.refill();
        await().atMost(WAIT).until(() -> pool.idleInterfaces().size() == 3);
        assertThat(pool.release()).isEmpty();
        assertThat(maker.existing).isEmpty();
    }

    @Test
    void aReleasedPoolMakesNoMoreUntilEnabledAgainAndASizeOfZeroMakesNone()
            throws Exception
    {
        FakeMaker maker = new FakeMaker();
        WarmNamespacePool pool = new WarmNamespacePool(2, maker);
        pool.enable();
        await().atMost(WAIT).until(() -> pool.idleInterfaces().size() == 2);
        assertThat(pool.release()).isEmpty();
        pool.refill();
        assertThat(pool.take(any -> true)).isEmpty();
        assertThat(maker.existing).isEmpty();

        pool.enable();
        await().atMost(WAIT).until(() -> maker.existing.size() == 2);
        pool.release();

        FakeMaker unused = new FakeMaker();
        WarmNamespacePool none = new WarmNamespacePool(0, unused);
        none.enable();
        assertThat(none.take(any -> true)).isEmpty();
        assertThat(unused.made.get()).isZero();
    }
}
