package io.berth.controlplane.store;

import io.berth.controlplane.events.ClusterEvent;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's events (see V21). Each is numbered MAX + 1: two writers that race break the primary key, and
 * the later one's transaction runs again, so ids become visible in order and a follower from an id misses none.
 */
public final class EventRows
{
    private static final String COLUMNS = "event_id, occurred_at, event_type, account_id, resource, host_id, message";

    private final Sql sql;

    EventRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void append(ClusterEvent event)
    {
        try {
            sql.update("INSERT INTO cluster_events (" + COLUMNS + ") SELECT COALESCE(MAX(event_id), 0) + 1, ?, ?, ?, ?, ?, ? FROM cluster_events",
                    event.occurredAt().toEpochMilli(), event.type().name(), event.accountId(), event.resource(), event.hostId(), event.message());
        }
        catch (StoreException e) {
            if (e.getCause() instanceof SQLException cause && StoreException.isUniqueViolation(cause)) {
                throw new ConcurrentUpdateException("Another event took id meanwhile", e);
            }
            throw e;
        }
    }

    /** The first limit events after afterId, oldest first: every account's when accountId is null, else that account's only. */
    public List<ClusterEvent> after(String accountId, long afterId, int limit)
    {
        if (accountId == null) {
            return sql.query("SELECT " + COLUMNS + " FROM cluster_events WHERE event_id > ? ORDER BY event_id LIMIT ?", EventRows::event, afterId, limit);
        }
        return sql.query("SELECT " + COLUMNS + " FROM cluster_events WHERE account_id = ? AND event_id > ? ORDER BY event_id LIMIT ?",
                EventRows::event, accountId, afterId, limit);
    }

    /** The newest limit events, newest first: every account's when accountId is null, else that account's only. */
    public List<ClusterEvent> latest(String accountId, int limit)
    {
        if (accountId == null) {
            return sql.query("SELECT " + COLUMNS + " FROM cluster_events ORDER BY event_id DESC LIMIT ?", EventRows::event, limit);
        }
        return sql.query("SELECT " + COLUMNS + " FROM cluster_events WHERE account_id = ? ORDER BY event_id DESC LIMIT ?", EventRows::event, accountId, limit);
    }

    /** The newest event's id, 0 when there is none. */
    public long lastId()
    {
        return sql.count("SELECT COALESCE(MAX(event_id), 0) FROM cluster_events");
    }

    /** Deletes events older than cutoff and all but the newest keep; returns how many. */
    public int deleteOlderThan(Instant cutoff, long keep)
    {
        int deleted = sql.update("DELETE FROM cluster_events WHERE occurred_at < ?", cutoff.toEpochMilli());
        long last = lastId();
        if (last > keep) {
            deleted += sql.update("DELETE FROM cluster_events WHERE event_id <= ?", last - keep);
        }
        return deleted;
    }

    private static ClusterEvent event(ResultSet row)
            throws SQLException
    {
        return new ClusterEvent(row.getLong("event_id"), Instant.ofEpochMilli(row.getLong("occurred_at")), EventType.valueOf(row.getString("event_type")),
                row.getString("account_id"), row.getString("resource"), row.getString("host_id"), row.getString("message"));
    }
}
