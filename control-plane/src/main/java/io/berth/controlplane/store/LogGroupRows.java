package io.berth.controlplane.store;

import io.berth.controlplane.logs.LogGroup;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** CloudWatch Logs groups, keyed by account and name; their stored bytes are summed from their events. */
public final class LogGroupRows
{
    private static final String SELECT = "SELECT g.account_id, g.name, g.created_at, g.retention_days, "
            + "(SELECT COALESCE(SUM(e.size_bytes), 0) FROM log_events e WHERE e.account_id = g.account_id AND e.group_name = g.name) AS stored_bytes "
            + "FROM log_groups g ";

    private final Sql sql;

    LogGroupRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** false when the account already has a group of that name (nothing changes then). */
    public boolean insertIfAbsent(String accountId, String name, Instant createdAt)
    {
        return sql.update("INSERT INTO log_groups (account_id, name, created_at, retention_days) VALUES (?, ?, ?, NULL) ON CONFLICT (account_id, name) DO NOTHING",
                accountId, name, createdAt.toEpochMilli()) == 1;
    }

    public Optional<LogGroup> find(String accountId, String name)
    {
        return sql.queryOne(SELECT + "WHERE g.account_id = ? AND g.name = ?", LogGroupRows::group, accountId, name);
    }

    public boolean exists(String accountId, String name)
    {
        return sql.count("SELECT COUNT(*) FROM log_groups WHERE account_id = ? AND name = ?", accountId, name) > 0;
    }

    /** The account's groups whose names start with prefix, by name, from offset. */
    public List<LogGroup> list(String accountId, String prefix, int offset, int limit)
    {
        return sql.query(SELECT + "WHERE g.account_id = ? AND substr(g.name, 1, ?) = ? ORDER BY g.name LIMIT ? OFFSET ?",
                LogGroupRows::group, accountId, prefix.length(), prefix, limit, offset);
    }

    /** Every group with a retention, of every account: for the retention pass. */
    public List<LogGroup> withRetention()
    {
        return sql.query("SELECT account_id, name, created_at, retention_days, 0 AS stored_bytes FROM log_groups WHERE retention_days IS NOT NULL",
                LogGroupRows::group);
    }

    /** Null retention: events never expire. false when there is no such group. */
    public boolean setRetention(String accountId, String name, Integer retentionDays)
    {
        return sql.update("UPDATE log_groups SET retention_days = ? WHERE account_id = ? AND name = ?", retentionDays, accountId, name) == 1;
    }

    /** Deletes the group with its streams and events; false when there was none. */
    public boolean delete(String accountId, String name)
    {
        sql.update("DELETE FROM log_events WHERE account_id = ? AND group_name = ?", accountId, name);
        sql.update("DELETE FROM log_streams WHERE account_id = ? AND group_name = ?", accountId, name);
        return sql.update("DELETE FROM log_groups WHERE account_id = ? AND name = ?", accountId, name) == 1;
    }

    private static LogGroup group(ResultSet row)
            throws SQLException
    {
        int days = row.getInt("retention_days");
        // read wasNull at once: it tells of the last column read
        Integer retentionDays = row.wasNull() ? null : days;
        return new LogGroup(row.getString("account_id"), row.getString("name"), Instant.ofEpochMilli(row.getLong("created_at")), retentionDays,
                row.getLong("stored_bytes"));
    }
}
