package io.berth.controlplane.store;

import io.berth.controlplane.logs.LogStream;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The streams of log groups, keyed by account, group and name. */
public final class LogStreamRows
{
    private static final String SELECT = "SELECT s.account_id, s.group_name, s.name, s.stream_key, s.created_at, s.first_event_at, s.last_event_at, "
            + "s.last_ingestion_at, s.next_sequence, "
            + "(SELECT COALESCE(SUM(e.size_bytes), 0) FROM log_events e WHERE e.account_id = s.account_id AND e.group_name = s.group_name "
            + "AND e.stream_name = s.name) AS stored_bytes FROM log_streams s ";

    /** How DescribeLogStreams orders: by name, or by the time of the last event (streams without events first). */
    public enum Order { NAME, LAST_EVENT_TIME }

    private final Sql sql;

    LogStreamRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** false when the group already has a stream of that name (nothing changes then). */
    public boolean insertIfAbsent(String accountId, String groupName, String name, long streamKey, Instant createdAt)
    {
        return sql.update("INSERT INTO log_streams (account_id, group_name, name, stream_key, created_at, next_sequence) VALUES (?, ?, ?, ?, ?, 1) "
                + "ON CONFLICT (account_id, group_name, name) DO NOTHING", accountId, groupName, name, streamKey, createdAt.toEpochMilli()) == 1;
    }

    public Optional<LogStream> find(String accountId, String groupName, String name)
    {
        return sql.queryOne(SELECT + "WHERE s.account_id = ? AND s.group_name = ? AND s.name = ?", LogStreamRows::stream, accountId, groupName, name);
    }

    public List<LogStream> list(String accountId, String groupName, String prefix, Order order, boolean descending, int offset, int limit)
    {
        String direction = descending ? " DESC" : "";
        String orderBy = switch (order) {
            case NAME -> "s.name" + direction;
            case LAST_EVENT_TIME -> "COALESCE(s.last_event_at, -1)" + direction + ", s.name" + direction;
        };
        return sql.query(SELECT + "WHERE s.account_id = ? AND s.group_name = ? AND substr(s.name, 1, ?) = ? ORDER BY " + orderBy + " LIMIT ? OFFSET ?",
                LogStreamRows::stream, accountId, groupName, prefix.length(), prefix, limit, offset);
    }

    /**
     * Records that events numbered up to nextSequence - 1 arrived, spanning first to last; only if no other writer
     * moved the stream since expectedNextSequence was read (false then: the caller's transaction must be redone).
     */
    public boolean advance(String accountId, String groupName, String name, long expectedNextSequence, long nextSequence, Instant first, Instant last,
            Instant ingestedAt)
    {
        return sql.update("UPDATE log_streams SET next_sequence = ?, "
                        + "first_event_at = CASE WHEN first_event_at IS NULL OR first_event_at > ? THEN ? ELSE first_event_at END, "
                        + "last_event_at = CASE WHEN last_event_at IS NULL OR last_event_at < ? THEN ? ELSE last_event_at END, "
                        + "last_ingestion_at = ? WHERE account_id = ? AND group_name = ? AND name = ? AND next_sequence = ?",
                nextSequence, first.toEpochMilli(), first.toEpochMilli(), last.toEpochMilli(), last.toEpochMilli(), ingestedAt.toEpochMilli(),
                accountId, groupName, name, expectedNextSequence) == 1;
    }

    /** Deletes the stream and its events; false when there was none. */
    public boolean delete(String accountId, String groupName, String name)
    {
        sql.update("DELETE FROM log_events WHERE account_id = ? AND group_name = ? AND stream_name = ?", accountId, groupName, name);
        return sql.update("DELETE FROM log_streams WHERE account_id = ? AND group_name = ? AND name = ?", accountId, groupName, name) == 1;
    }

    private static LogStream stream(ResultSet row)
            throws SQLException
    {
        return new LogStream(row.getString("account_id"), row.getString("group_name"), row.getString("name"), row.getLong("stream_key"),
                Instant.ofEpochMilli(row.getLong("created_at")), instant(row, "first_event_at"), instant(row, "last_event_at"),
                instant(row, "last_ingestion_at"), row.getLong("next_sequence"), row.getLong("stored_bytes"));
    }

    private static Instant instant(ResultSet row, String column)
            throws SQLException
    {
        Long millis = Sql.nullableLong(row, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
