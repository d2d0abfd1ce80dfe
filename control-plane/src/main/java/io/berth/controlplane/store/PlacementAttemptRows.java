package io.berth.controlplane.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.common.json.Json;
import io.berth.controlplane.placement.PlacementAttempt;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The latest failed placement of each waiting task, for the operator to read. */
public final class PlacementAttemptRows
{
    private final Sql sql;

    PlacementAttemptRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void record(PlacementAttempt attempt)
    {
        String hostReasons = JsonBodies.write(attempt.hostReasons());
        int updated = sql.update("UPDATE placement_attempts SET attempted_at = ?, reason = ?, message = ?, host_reasons = ? WHERE task_id = ?",
                attempt.attemptedAt().toEpochMilli(), attempt.reason(), attempt.message(), hostReasons, attempt.taskId());
        if (updated == 0) {
            sql.update("INSERT INTO placement_attempts (task_id, attempted_at, reason, message, host_reasons) VALUES (?, ?, ?, ?, ?)",
                    attempt.taskId(), attempt.attemptedAt().toEpochMilli(), attempt.reason(), attempt.message(), hostReasons);
        }
    }

    public Optional<PlacementAttempt> find(String taskId)
    {
        return sql.queryOne("SELECT task_id, attempted_at, reason, message, host_reasons FROM placement_attempts WHERE task_id = ?",
                PlacementAttemptRows::attempt, taskId);
    }

    public void delete(String taskId)
    {
        sql.update("DELETE FROM placement_attempts WHERE task_id = ?", taskId);
    }

    /** Attempts of tasks that no longer exist (purged). */
    public int deleteOrphans()
    {
        return sql.update("DELETE FROM placement_attempts WHERE task_id NOT IN (SELECT task_id FROM tasks)");
    }

    private static PlacementAttempt attempt(ResultSet row)
            throws SQLException
    {
        LinkedHashMap<String, String> hostReasons;
        try {
            hostReasons = Json.mapper().readValue(row.getString("host_reasons"), new TypeReference<LinkedHashMap<String, String>>() {});
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("Cannot decode stored placement reasons: " + e.getOriginalMessage(), e);
        }
        return new PlacementAttempt(row.getString("task_id"), Instant.ofEpochMilli(row.getLong("attempted_at")), row.getString("reason"),
                row.getString("message"), hostReasons);
    }
}
