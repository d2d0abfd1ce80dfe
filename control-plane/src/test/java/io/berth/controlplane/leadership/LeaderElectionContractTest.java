package io.berth.controlplane.leadership;

import io.berth.controlplane.events.ClusterEvent;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.store.Store;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two replicas contending for the controllers' lease on one store, each with its own store (connection pool) and one
 * clock the test moves: one leads at a time, a lapsed lease is taken over in a new term, a deposed leader's fenced
 * transaction writes nothing, and a resigned lease is taken at once. Run on SQLite and PostgreSQL.
 */
abstract class LeaderElectionContractTest
{
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration RENEW = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    private Store storeA;
    private Store storeB;
    private LeaderElection a;
    private LeaderElection b;

    protected abstract String jdbcUrl();

    @BeforeEach
    void openStores()
    {
        storeA = Store.open(jdbcUrl());
        storeB = Store.open(jdbcUrl());
        // the tests of a class share a database: start each from a free lease
        storeA.useTransaction(transaction -> transaction.lease().release(transaction.lease().read().holder(), transaction.lease().read().epoch()));
        a = new LeaderElection(storeA, "replica-a", clock, LEASE, RENEW);
        b = new LeaderElection(storeB, "replica-b", clock, LEASE, RENEW);
    }

    @AfterEach
    void closeStores()
    {
        storeA.close();
        storeB.close();
    }

    @Test
    void oneReplicaLeadsAndTheOtherWaitsWhileTheLeaseIsRenewed()
    {
        assertThat(a.tick()).isTrue();
        assertThat(b.tick()).isFalse();
        for (int second = 0; second < 10; second++) {
            clock.advance(RENEW);
            assertThat(a.tick()).isTrue();
            assertThat(b.tick()).isFalse();
            assertThat(a.isLeader()).isTrue();
            assertThat(b.isLeader()).isFalse();
        }
        assertThat(a.read().holder()).isEqualTo("replica-a");
    }

    @Test
    void aLeaderThatStopsRenewingStopsActingBeforeItsLeaseLapsesAndIsThenReplacedInANewTerm()
    {
        assertThat(a.tick()).isTrue();
        long firstTerm = a.epoch().orElseThrow();

        clock.advance(RENEW.multipliedBy(2));
        assertThat(a.isLeader()).as("acts only up to one renewal interval before the lease's end").isFalse();
        assertThat(b.tick()).as("the lease has not lapsed yet").isFalse();

        clock.advance(RENEW);
        assertThat(b.tick()).isTrue();
        assertThat(b.epoch()).contains(firstTerm + 1);
        assertThat(a.tick()).as("the old leader finds its term taken").isFalse();
        assertThat(a.isLeader()).isFalse();

        List<ClusterEvent> elected = storeA.inTransaction(transaction -> transaction.events().latest(null, 10)).stream()
                .filter(event -> event.type() == EventType.LEADER_ELECTED).toList();
        assertThat(elected.getFirst().resource()).isEqualTo("replica-b");
        assertThat(elected.getFirst().message()).contains("replica replica-a did not renew its lease in time");
    }

    @Test
    void aLeaderCutOffFromTheStoreStopsActingAtOnceAndAnotherTakesOverOnceItsLeaseLapses()
    {
        assertThat(a.tick()).isTrue();
        long term = a.epoch().orElseThrow();
        // a's connections are gone (its pool closed): its renewal fails
        storeA.close();
        clock.advance(RENEW);
        assertThat(a.tick()).isFalse();
        assertThat(a.isLeader()).as("stops acting at once, not when its lease would end").isFalse();
        assertThatThrownBy(() -> a.check(null)).isInstanceOf(NotLeaderException.class);

        assertThat(b.tick()).as("the lease has not lapsed yet").isFalse();
        assertThat(b.read().holder()).isEqualTo("replica-a");
        clock.advance(LEASE);
        assertThat(b.tick()).isTrue();
        assertThat(b.epoch()).contains(term + 1);
        storeA = Store.open(jdbcUrl());
    }

    @Test
    void aDeposedLeadersFencedTransactionIsRefusedAndWritesNothing()
    {
        // a was paused: its clock (and its idea of its term) stayed behind while b's moved past a's lease
        ManualClock clockOfA = new ManualClock(clock.instant());
        LeaderElection pausedA = new LeaderElection(storeA, "replica-a", clockOfA, LEASE, RENEW);
        assertThat(pausedA.tick()).isTrue();
        clock.advance(LEASE);
        assertThat(b.tick()).isTrue();
        assertThat(pausedA.isLeader()).as("a's own clock says its term still runs").isTrue();

        assertThatThrownBy(() -> storeA.fenced(pausedA, () -> storeA.useTransaction(transaction -> transaction.replicas().announce("written-by-a", "http://a", clock.instant()))))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("lost the lease");
        assertThat(urls(storeA)).doesNotContain("http://a");
        assertThat(pausedA.isLeader()).as("a knows it was deposed").isFalse();

        storeB.fenced(b, () -> storeB.useTransaction(transaction -> transaction.replicas().announce("written-by-b", "http://b", clock.instant())));
        assertThat(urls(storeB)).contains("http://b");
        storeB.useTransaction(transaction -> transaction.replicas().remove("written-by-b"));
    }

    @Test
    void aTakeoverWaitsForTheLeadersFencedTransactionInFlight()
            throws Exception
    {
        assertThat(a.tick()).isTrue();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> leaderWork = pool.submit(() -> storeA.fenced(a, () -> storeA.useTransaction(transaction -> {
                transaction.replicas().announce("fenced-a", "http://fenced-a", clock.instant());
                inside.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(LEASE);
            Future<Boolean> takeover = pool.submit(b::tick);
            Thread.sleep(300);
            assertThat(takeover).as("b waits for the lease row a's transaction holds").isNotDone();
            release.countDown();
            leaderWork.get(10, TimeUnit.SECONDS);
            assertThat(takeover.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(urls(storeB)).contains("http://fenced-a");
            storeB.useTransaction(transaction -> transaction.replicas().remove("fenced-a"));
        }
        finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aResignedLeaseIsTakenAtOnce()
    {
        assertThat(a.tick()).isTrue();
        a.resign();
        assertThat(a.isLeader()).isFalse();
        assertThat(b.tick()).as("no need to wait for the lease to lapse").isTrue();
        List<ClusterEvent> events = storeB.inTransaction(transaction -> transaction.events().latest(null, 10));
        assertThat(events).extracting(ClusterEvent::type).contains(EventType.LEADER_RESIGNED, EventType.LEADER_ELECTED);
    }

    @Test
    void twoContendersTickingTogetherNeverBothLead()
            throws Exception
    {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                CountDownLatch start = new CountDownLatch(1);
                Future<Boolean> first = pool.submit(() -> {
                    start.await();
                    return a.tick();
                });
                Future<Boolean> second = pool.submit(() -> {
                    start.await();
                    return b.tick();
                });
                start.countDown();
                boolean aLeads = first.get(10, TimeUnit.SECONDS);
                boolean bLeads = second.get(10, TimeUnit.SECONDS);
                assertThat(aLeads && bLeads).as("round %s: both lead", round).isFalse();
                assertThat(aLeads || bLeads).as("round %s: nobody leads", round).isTrue();
                // let the lease lapse every other round, so the two race for a free lease again
                clock.advance(round % 2 == 0 ? LEASE : RENEW);
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    private List<String> urls(Store store)
    {
        return store.inTransaction(transaction -> transaction.replicas().urlsSeenSince(clock.instant().minusSeconds(60)));
    }
}
