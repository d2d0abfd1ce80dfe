package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The hash of each host's secret, and the join token it was issued for (null when issued directly). */
public final class HostCredentialRows
{
    private final Sql sql;

    HostCredentialRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Records the host's secret hash, replacing an earlier one (the old secret stops working) and lifting a revocation. */
    public void put(String hostId, String secretHash, String joinedWith, Instant now)
    {
        sql.update("INSERT INTO host_credentials (host_id, secret_hash, joined_with, created_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (host_id) DO UPDATE SET secret_hash = excluded.secret_hash, joined_with = excluded.joined_with, created_at = excluded.created_at, revoked_at = NULL",
                hostId, secretHash, joinedWith, now.toEpochMilli());
    }

    /** Forgets the host's credential, so its agent can no longer sync; false when it had none. */
    public boolean delete(String hostId)
    {
        return sql.update("DELETE FROM host_credentials WHERE host_id = ?", hostId) == 1;
    }

    /**
     * Revokes the host's credential (`berth host rm`): its agent can no longer sync, and is told why; false when it
     * had none or it already was.
     */
    public boolean revoke(String hostId, Instant now)
    {
        return sql.update("UPDATE host_credentials SET revoked_at = ? WHERE host_id = ? AND revoked_at IS NULL", now.toEpochMilli(), hostId) == 1;
    }

    /** When the host's credential was revoked; empty when it was not (or there is none). */
    public Optional<Instant> revokedAt(String hostId)
    {
        return sql.queryOne("SELECT revoked_at FROM host_credentials WHERE host_id = ? AND revoked_at IS NOT NULL",
                row -> Instant.ofEpochMilli(row.getLong("revoked_at")), hostId);
    }

    /** The hash of the host's secret while its credential is valid; empty for an unknown host or a revoked credential. */
    public Optional<String> secretHash(String hostId)
    {
        return sql.queryOne("SELECT secret_hash FROM host_credentials WHERE host_id = ? AND revoked_at IS NULL", row -> row.getString("secret_hash"), hostId);
    }
}
