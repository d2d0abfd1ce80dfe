package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** The running control-plane replicas and the URL agents reach each at (see V22). */
public final class ReplicaRows
{
    private final Sql sql;

    ReplicaRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Records that replicaId runs and answers at url, as of now. */
    public void announce(String replicaId, String url, Instant now)
    {
        sql.update("INSERT INTO control_plane_replicas (replica_id, url, last_seen) VALUES (?, ?, ?) "
                + "ON CONFLICT (replica_id) DO UPDATE SET url = excluded.url, last_seen = excluded.last_seen", replicaId, url, now.toEpochMilli());
    }

    /** The URLs of the replicas seen since then, each once, in a stable order. */
    public List<String> urlsSeenSince(Instant since)
    {
        return sql.query("SELECT DISTINCT url FROM control_plane_replicas WHERE last_seen >= ? ORDER BY url", row -> row.getString("url"), since.toEpochMilli());
    }

    public void remove(String replicaId)
    {
        sql.update("DELETE FROM control_plane_replicas WHERE replica_id = ?", replicaId);
    }

    /** Forgets replicas gone quiet before then (crashed ones never remove themselves); returns how many. */
    public int removeNotSeenSince(Instant since)
    {
        return sql.update("DELETE FROM control_plane_replicas WHERE last_seen < ?", since.toEpochMilli());
    }
}
