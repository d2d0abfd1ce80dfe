package io.berth.controlplane.logs;

import io.berth.controlplane.store.LogStreamRows;
import io.berth.controlplane.store.Store;
import io.berth.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The logs domain over a real store (SQLite and PostgreSQL by the subclasses): tokens, filters, retention, accounts. */
abstract class LogServiceContractTest
{
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private Store store;
    private LogService logs;
    private String account;

    protected abstract String jdbcUrl();

    @BeforeEach
    void open()
    {
        store = Store.open(jdbcUrl());
        logs = new LogService(store, clock);
        account = String.valueOf(100_000_000_000L + ThreadLocalRandom.current().nextLong(899_999_999_999L));
        logs.createGroup(account, "/g");
        logs.createStream(account, "/g", "s");
    }

    @AfterEach
    void close()
    {
        store.close();
    }

    @Test
    void anEmptyStreamGivesZeroTokensAndTheSameForwardTokenUntilSomethingArrives()
    {
        EventsPage empty = logs.getEvents(account, "/g", "s", null, null, null, false, 100);
        assertThat(empty.events()).isEmpty();
        assertThat(empty.nextForward().token()).isEqualTo("f/" + "0".repeat(56));
        assertThat(empty.nextBackward().token()).isEqualTo("b/" + "0".repeat(56));

        String token = empty.nextForward().token();
        assertThat(logs.getEvents(account, "/g", "s", null, null, token, false, 100).nextForward().token()).isEqualTo(token);
        put("one", "two");
        EventsPage next = logs.getEvents(account, "/g", "s", null, null, token, false, 100);
        assertThat(messages(next)).containsExactly("one", "two");
        EventsPage after = logs.getEvents(account, "/g", "s", null, null, next.nextForward().token(), false, 100);
        assertThat(after.events()).isEmpty();
        assertThat(after.nextForward()).isEqualTo(next.nextForward());
    }

    @Test
    void forwardAndBackwardPagesMeetWithoutGapsOrRepeats()
    {
        put("1", "2", "3", "4", "5");
        EventsPage last = logs.getEvents(account, "/g", "s", null, null, null, false, 2);
        assertThat(messages(last)).containsExactly("4", "5");
        EventsPage before = logs.getEvents(account, "/g", "s", null, null, last.nextBackward().token(), false, 2);
        assertThat(messages(before)).containsExactly("2", "3");
        EventsPage first = logs.getEvents(account, "/g", "s", null, null, before.nextBackward().token(), false, 2);
        assertThat(messages(first)).containsExactly("1");
        EventsPage none = logs.getEvents(account, "/g", "s", null, null, first.nextBackward().token(), false, 2);
        assertThat(none.events()).isEmpty();
        assertThat(none.nextBackward()).isEqualTo(first.nextBackward());
        // and forward again from the very start
        EventsPage head = logs.getEvents(account, "/g", "s", null, null, none.nextForward().token(), false, 3);
        assertThat(messages(head)).containsExactly("1", "2", "3");
    }

    @Test
    void timeBoundsIncludeTheStartAndExcludeTheEnd()
    {
        put("t0", "t1", "t2");
        long start = T0.plusSeconds(1).toEpochMilli();
        long end = T0.plusSeconds(2).toEpochMilli();
        assertThat(messages(logs.getEvents(account, "/g", "s", start, end, null, true, 100))).containsExactly("t1");
        // FilterLogEvents includes its end, as CloudWatch's does
        assertThat(logs.filterEvents(account, "/g", List.of(), null, start, end, FilterPattern.ALL, null, 100).events())
                .extracting(LogEvent::message).containsExactly("t1", "t2");
    }

    @Test
    void filterPagesCoverEveryMatchOnceAcrossStreams()
    {
        logs.createStream(account, "/g", "other");
        put("a ERROR", "b", "c ERROR");
        logs.putEvents(account, "/g", "other", List.of(new InputLogEvent(T0.plusMillis(500), "d ERROR"), new InputLogEvent(T0.plusSeconds(2), "e ERROR")));
        FilteredEvents first = logs.filterEvents(account, "/g", List.of(), null, null, null, FilterPattern.parse("ERROR"), null, 2);
        assertThat(first.events()).extracting(LogEvent::message).containsExactly("a ERROR", "d ERROR");
        FilteredEvents second = logs.filterEvents(account, "/g", List.of(), null, null, null, FilterPattern.parse("ERROR"), first.next().token(), 2);
        assertThat(second.events()).extracting(LogEvent::message).containsExactly("e ERROR", "c ERROR");
        FilteredEvents third = logs.filterEvents(account, "/g", List.of(), null, null, null, FilterPattern.parse("ERROR"), second.next().token(), 2);
        assertThat(third.events()).isEmpty();
        assertThat(third.next()).isNull();
        assertThat(logs.filterEvents(account, "/g", List.of("other"), null, null, null, FilterPattern.ALL, null, 100).events())
                .extracting(LogEvent::message).containsExactly("d ERROR", "e ERROR");
        assertThat(logs.filterEvents(account, "/g", List.of(), "oth", null, null, FilterPattern.ALL, null, 100).events()).hasSize(2);
    }

    @Test
    void retentionDeletesOlderEventsOnTheMaintenancePass()
    {
        put("old");
        clock.advance(Duration.ofDays(2));
        logs.putEvents(account, "/g", "s", List.of(new InputLogEvent(clock.instant(), "new")));
        logs.setRetention(account, "/g", 1);
        assertThat(logs.purgeExpired()).isGreaterThanOrEqualTo(1);
        assertThat(messages(logs.getEvents(account, "/g", "s", null, null, null, true, 100))).containsExactly("new");
        LogStream stream = logs.describeStreams(account, "/g", "", LogStreamRows.Order.NAME, false, 0, 10).items().get(0);
        assertThat(stream.storedBytes()).isEqualTo(3);
        // an event older than the retention is rejected as expired, and not stored
        PutResult result = logs.putEvents(account, "/g", "s", List.of(new InputLogEvent(clock.instant().minus(Duration.ofDays(3)), "expired")));
        assertThat(result.expiredEndIndex()).isEqualTo(1);
    }

    @Test
    void anotherAccountFindsNothing()
    {
        put("mine");
        String stranger = String.valueOf(Long.parseLong(account) + 1);
        assertThatThrownBy(() -> logs.getEvents(stranger, "/g", "s", null, null, null, true, 10)).isInstanceOf(LogsException.class)
                .hasMessage("The specified log group does not exist.");
        assertThat(logs.describeGroups(stranger, "", 0, 50).items()).isEmpty();
        assertThatThrownBy(() -> logs.deleteGroup(stranger, "/g")).isInstanceOf(LogsException.class);
        assertThat(messages(logs.getEvents(account, "/g", "s", null, null, null, true, 10))).containsExactly("mine");
    }

    /** Puts the messages one second apart from T0. */
    private void put(String... messages)
    {
        List<InputLogEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < messages.length; i++) {
            events.add(new InputLogEvent(T0.plusSeconds(i), messages[i]));
        }
        logs.putEvents(account, "/g", "s", events);
    }

    private static List<String> messages(EventsPage page)
    {
        return page.events().stream().map(LogEvent::message).toList();
    }
}
