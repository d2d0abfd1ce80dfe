package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Task scale-in protection: until when each protected task is protected. */
public final class TaskProtectionRows
{
    private final Sql sql;

    TaskProtectionRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void protect(String accountId, String taskId, Instant expiresAt)
    {
        sql.update("INSERT INTO task_protection (task_id, account_id, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (task_id) DO UPDATE SET expires_at = excluded.expires_at", taskId, accountId, expiresAt.toEpochMilli());
    }

    public void unprotect(String accountId, String taskId)
    {
        sql.update("DELETE FROM task_protection WHERE task_id = ? AND account_id = ?", taskId, accountId);
    }

    /** Until when the task is protected, if a protection was set (it may have expired). */
    public Optional<Instant> expiresAt(String accountId, String taskId)
    {
        return sql.queryOne("SELECT expires_at FROM task_protection WHERE task_id = ? AND account_id = ?",
                row -> Instant.ofEpochMilli(row.getLong(1)), taskId, accountId);
    }
}
