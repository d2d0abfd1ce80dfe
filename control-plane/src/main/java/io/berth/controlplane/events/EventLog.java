package io.berth.controlplane.events;

import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads the control plane's events and keeps them bounded. The operator reads every event; an account reads the
 * events about its own tasks and services (host events have no account and stay the operator's).
 */
public final class EventLog
{
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final long DEFAULT_MAX_EVENTS = 100_000;
    public static final int MAX_PAGE = 1_000;

    private final Store store;
    private final Duration retention;
    private final long maxEvents;
    private final Clock clock;

    public EventLog(Store store, Duration retention, long maxEvents, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.retention = requireNonNull(retention, "retention is null");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the event retention must be positive");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1");
        }
        this.maxEvents = maxEvents;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Up to limit events after afterId that reader may see, oldest first. */
    public List<ClusterEvent> after(Account reader, long afterId, int limit)
    {
        checkLimit(limit);
        if (afterId < 0) {
            throw new IllegalArgumentException("after must be 0 or more");
        }
        return store.inTransaction(transaction -> transaction.events().after(visibleAccount(reader), afterId, limit));
    }

    /** The newest limit events reader may see, oldest first. */
    public List<ClusterEvent> latest(Account reader, int limit)
    {
        checkLimit(limit);
        List<ClusterEvent> newestFirst = new ArrayList<>(store.inTransaction(transaction -> transaction.events().latest(visibleAccount(reader), limit)));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Deletes the events past the retention or beyond the maximum count; returns how many. */
    public int purgeExpired()
    {
        return store.inTransaction(transaction -> transaction.events().deleteOlderThan(clock.instant().minus(retention), maxEvents));
    }

    /** null (every account) for the operator. */
    private static String visibleAccount(Account reader)
    {
        return reader.operator() ? null : reader.accountId();
    }

    private static void checkLimit(int limit)
    {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE);
        }
    }
}
