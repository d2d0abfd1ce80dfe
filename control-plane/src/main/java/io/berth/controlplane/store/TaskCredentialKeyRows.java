package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The key task role credentials are minted with, by id (one "current" row). */
public final class TaskCredentialKeyRows
{
    private final Sql sql;

    TaskCredentialKeyRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Stores secret under keyId unless a key is stored there already; returns the stored one either way. */
    public String insertIfAbsent(String keyId, String secret, Instant now)
    {
        // ON CONFLICT DO NOTHING: SQLite and PostgreSQL alike, and two replicas starting together keep one key
        sql.update("INSERT INTO task_credential_keys (key_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING",
                keyId, secret, now.toEpochMilli());
        return find(keyId).orElseThrow(() -> new StoreException("the task credential key " + keyId + " vanished right after it was stored", null));
    }

    public Optional<String> find(String keyId)
    {
        return sql.queryOne("SELECT secret FROM task_credential_keys WHERE key_id = ?", row -> row.getString("secret"), keyId);
    }
}
