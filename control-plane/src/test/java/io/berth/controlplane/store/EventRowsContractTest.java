package io.berth.controlplane.store;

import io.berth.controlplane.events.ClusterEvent;
import io.berth.controlplane.events.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The control plane's events in the store: numbered in commit order, read per account or all, purged by age and count. */
abstract class EventRowsContractTest
        extends StoreContractBase
{
    @Test
    void eventsAreNumberedInOrderAndReadPerAccountOrAll()
    {
        String alice = newAccount();
        String bob = newAccount();
        long before = store.inTransaction(transaction -> transaction.events().lastId());
        append(event(alice, "task/a", EventType.TASK_PLACED, 0));
        append(event(bob, "task/b", EventType.TASK_PLACED, 1));
        append(ClusterEvent.of(T0.plusSeconds(2), EventType.HOST_LOST, null, "host-1", "host-1", "lost"));
        append(event(alice, "task/a", EventType.TASK_STOPPED, 3));

        List<ClusterEvent> all = store.inTransaction(transaction -> transaction.events().after(null, before, 100));
        assertThat(all).extracting(ClusterEvent::eventId).containsExactly(before + 1, before + 2, before + 3, before + 4);
        assertThat(all).extracting(ClusterEvent::resource).containsExactly("task/a", "task/b", "host-1", "task/a");
        assertThat(all.get(2).accountId()).isNull();
        assertThat(all.get(2).hostId()).isEqualTo("host-1");
        assertThat(all.get(0).occurredAt()).isEqualTo(T0);

        List<ClusterEvent> alices = store.inTransaction(transaction -> transaction.events().after(alice, 0, 100));
        assertThat(alices).extracting(ClusterEvent::type).containsExactly(EventType.TASK_PLACED, EventType.TASK_STOPPED);
        assertThat(store.<List<ClusterEvent>>inTransaction(transaction -> transaction.events().latest(alice, 1)))
                .extracting(ClusterEvent::type).containsExactly(EventType.TASK_STOPPED);
        assertThat(store.<List<ClusterEvent>>inTransaction(transaction -> transaction.events().after(bob, before + 2, 100))).isEmpty();
    }

    @Test
    void anEventOfARolledBackDecisionIsNotKept()
    {
        String alice = newAccount();
        try {
            store.useTransaction(transaction -> {
                transaction.events().append(event(alice, "task/x", EventType.TASK_PLACED, 0));
                throw new IllegalStateException("the decision failed");
            });
        }
        catch (IllegalStateException expected) {
            // the decision and its event go together
        }
        assertThat(store.<List<ClusterEvent>>inTransaction(transaction -> transaction.events().after(alice, 0, 100))).isEmpty();
    }

    @Test
    void concurrentWritersGetDistinctIdsWithNoGap()
            throws Exception
    {
        String alice = newAccount();
        long before = store.inTransaction(transaction -> transaction.events().lastId());
        int writers = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        append(event(alice, "task/c", EventType.TASK_PLACED, i));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            pool.shutdownNow();
        }
        List<ClusterEvent> written = store.inTransaction(transaction -> transaction.events().after(alice, before, 1000));
        assertThat(written).extracting(ClusterEvent::eventId)
                .containsExactlyElementsOf(LongStream.rangeClosed(before + 1, before + (long) writers * each).boxed().toList());
    }

    @Test
    void purgeDeletesByAgeAndKeepsAtMostTheNewest()
    {
        String alice = newAccount();
        append(event(alice, "task/old", EventType.TASK_PLACED, -86_400));
        append(event(alice, "task/new1", EventType.TASK_PLACED, 10));
        append(event(alice, "task/new2", EventType.TASK_PLACED, 20));
        append(event(alice, "task/new3", EventType.TASK_PLACED, 30));

        store.useTransaction(transaction -> transaction.events().deleteOlderThan(T0.minus(Duration.ofHours(1)), 1_000_000));
        assertThat(store.<List<ClusterEvent>>inTransaction(transaction -> transaction.events().after(alice, 0, 100)))
                .extracting(ClusterEvent::resource).containsExactly("task/new1", "task/new2", "task/new3");

        store.useTransaction(transaction -> transaction.events().deleteOlderThan(T0.minus(Duration.ofHours(1)), 2));
        assertThat(store.<List<ClusterEvent>>inTransaction(transaction -> transaction.events().after(alice, 0, 100)))
                .extracting(ClusterEvent::resource).containsExactly("task/new2", "task/new3");
    }

    private void append(ClusterEvent event)
    {
        store.useTransaction(transaction -> transaction.events().append(event));
    }

    private static ClusterEvent event(String accountId, String resource, EventType type, long secondsAfterT0)
    {
        return ClusterEvent.of(T0.plusSeconds(secondsAfterT0), type, accountId, resource, null, type + " " + resource);
    }
}
