package io.berth.controlplane.store;

import io.berth.controlplane.logs.FilterPosition;
import io.berth.controlplane.logs.InputLogEvent;
import io.berth.controlplane.logs.LogEvent;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The events of log streams: read by stream in the order they arrived (sequence), or across a group in time
 * order (time, stream name, sequence). Times are epoch milliseconds; a null bound is no bound.
 */
public final class LogEventRows
{
    private static final String SELECT = "SELECT e.stream_name, s.stream_key, e.sequence, e.event_time, e.ingestion_time, e.message FROM log_events e "
            + "JOIN log_streams s ON s.account_id = e.account_id AND s.group_name = e.group_name AND s.name = e.stream_name ";

    private final Sql sql;

    LogEventRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void insert(String accountId, String groupName, String streamName, long sequence, InputLogEvent event, Instant ingestedAt)
    {
        sql.update("INSERT INTO log_events (account_id, group_name, stream_name, sequence, event_time, ingestion_time, message, size_bytes) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                accountId, groupName, streamName, sequence, event.timestamp().toEpochMilli(), ingestedAt.toEpochMilli(), event.message(), event.sizeBytes());
    }

    /** The first limit events after sequence afterSequence with start <= time < end, in sequence order. */
    public List<LogEvent> forward(String accountId, String groupName, String streamName, long afterSequence, Long start, Long end, int limit)
    {
        return sql.query(SELECT + "WHERE e.account_id = ? AND e.group_name = ? AND e.stream_name = ? AND e.sequence > ? "
                        + "AND e.event_time >= ? AND e.event_time < ? ORDER BY e.sequence LIMIT ?",
                LogEventRows::event, accountId, groupName, streamName, afterSequence, lower(start), upper(end), limit);
    }

    /** The last limit events up to sequence atOrBefore with start <= time < end, in sequence order. */
    public List<LogEvent> backward(String accountId, String groupName, String streamName, long atOrBefore, Long start, Long end, int limit)
    {
        List<LogEvent> events = new ArrayList<>(sql.query(SELECT + "WHERE e.account_id = ? AND e.group_name = ? AND e.stream_name = ? AND e.sequence <= ? "
                        + "AND e.event_time >= ? AND e.event_time < ? ORDER BY e.sequence DESC LIMIT ?",
                LogEventRows::event, accountId, groupName, streamName, atOrBefore, lower(start), upper(end), limit));
        Collections.reverse(events);
        return events;
    }

    /**
     * Events of the group's streams (all when streamNames is empty and streamPrefix is null) with start <= time <=
     * end, after position (from the start when null), in time order: at most limit of them.
     */
    public List<LogEvent> inGroup(String accountId, String groupName, List<String> streamNames, String streamPrefix, Long start, Long end,
            FilterPosition after, int limit)
    {
        StringBuilder where = new StringBuilder("WHERE e.account_id = ? AND e.group_name = ? AND e.event_time >= ? AND e.event_time <= ? ");
        List<Object> parameters = new ArrayList<>(List.of(accountId, groupName, lower(start), end == null ? Long.MAX_VALUE : end));
        if (!streamNames.isEmpty()) {
            where.append("AND e.stream_name IN (").append(String.join(", ", Collections.nCopies(streamNames.size(), "?"))).append(") ");
            parameters.addAll(streamNames);
        }
        if (streamPrefix != null) {
            where.append("AND substr(e.stream_name, 1, ?) = ? ");
            parameters.add(streamPrefix.length());
            parameters.add(streamPrefix);
        }
        if (after != null) {
            where.append("AND (e.event_time > ? OR (e.event_time = ? AND (e.stream_name > ? OR (e.stream_name = ? AND e.sequence > ?)))) ");
            parameters.addAll(List.of(after.timeMillis(), after.timeMillis(), after.streamName(), after.streamName(), after.sequence()));
        }
        parameters.add(limit);
        return sql.query(SELECT + where + "ORDER BY e.event_time, e.stream_name, e.sequence LIMIT ?", LogEventRows::event, parameters.toArray());
    }

    /** Deletes the group's events older than cutoff; returns how many. */
    public int deleteBefore(String accountId, String groupName, Instant cutoff)
    {
        return sql.update("DELETE FROM log_events WHERE account_id = ? AND group_name = ? AND event_time < ?", accountId, groupName, cutoff.toEpochMilli());
    }

    private static long lower(Long start)
    {
        return start == null ? Long.MIN_VALUE : start;
    }

    private static long upper(Long end)
    {
        return end == null ? Long.MAX_VALUE : end;
    }

    private static LogEvent event(ResultSet row)
            throws SQLException
    {
        return new LogEvent(row.getString("stream_name"), row.getLong("stream_key"), row.getLong("sequence"), Instant.ofEpochMilli(row.getLong("event_time")),
                Instant.ofEpochMilli(row.getLong("ingestion_time")), row.getString("message"));
    }
}
