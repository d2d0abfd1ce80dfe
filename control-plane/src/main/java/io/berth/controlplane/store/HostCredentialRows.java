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

    /** Records the host's secret hash, replacing an earlier one (the old secret stops working). */
    public void put(String hostId, String secretHash, String joinedWith, Instant now)
    {
        sql.update("INSERT INTO host_credentials (host_id, secret_hash, joined_with, created_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (host_id) DO UPDATE SET secret_hash = excluded.secret_hash, joined_with = excluded.joined_with, created_at = excluded.created_at",
                hostId, secretHash, joinedWith, now.toEpochMilli());
    }

    /** Forgets the host's credential, so its agent can no longer sync; false when it had none. */
    public boolean delete(String hostId)
    {
        return sql.update("DELETE FROM host_credentials WHERE host_id = ?", hostId) == 1;
    }

    public Optional<String> secretHash(String hostId)
    {
        return sql.queryOne("SELECT secret_hash FROM host_credentials WHERE host_id = ?", row -> row.getString("secret_hash"), hostId);
    }
}
