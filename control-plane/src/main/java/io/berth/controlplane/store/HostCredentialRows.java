package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The hash of each host's secret, and the join token it was issued for (null when issued directly); after a rotation
 * also the hash of the secret it replaced, good until its grace ends.
 */
public final class HostCredentialRows
{
    private final Sql sql;

    HostCredentialRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Records the host's secret hash, replacing an earlier one (the old secret stops working at once) and lifting a revocation. */
    public void put(String hostId, String secretHash, String joinedWith, Instant now)
    {
        sql.update("INSERT INTO host_credentials (host_id, secret_hash, joined_with, created_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (host_id) DO UPDATE SET secret_hash = excluded.secret_hash, joined_with = excluded.joined_with, created_at = excluded.created_at, revoked_at = NULL, "
                        + "previous_secret_hash = NULL, previous_valid_until = NULL, rotation_requested_at = NULL, rotation_grace_millis = NULL, rotated_at = NULL",
                hostId, secretHash, joinedWith, now.toEpochMilli());
    }

    /**
     * A host's valid credential: its secret's hash and, after a rotation, the hash of the secret it replaced (null when
     * none) with the end of that one's grace; rotationRequestedAt and rotationGrace are set from `berth host rotate`
     * until the host takes its new secret; rotatedAt is when it last did.
     */
    public record StoredCredential(String secretHash, String previousSecretHash, Instant previousValidUntil, Instant rotationRequestedAt,
            Duration rotationGrace, Instant rotatedAt)
    {
        public StoredCredential
        {
            requireNonNull(secretHash, "secretHash is null");
        }
    }

    /** The host's credential while it is valid; empty for an unknown host or a revoked credential. */
    public Optional<StoredCredential> find(String hostId)
    {
        return sql.queryOne("SELECT secret_hash, previous_secret_hash, previous_valid_until, rotation_requested_at, rotation_grace_millis, rotated_at "
                        + "FROM host_credentials WHERE host_id = ? AND revoked_at IS NULL",
                row -> {
                    Long grace = Sql.nullableLong(row, "rotation_grace_millis");
                    return new StoredCredential(row.getString("secret_hash"), row.getString("previous_secret_hash"), instant(Sql.nullableLong(row, "previous_valid_until")),
                            instant(Sql.nullableLong(row, "rotation_requested_at")), grace == null ? null : Duration.ofMillis(grace), instant(Sql.nullableLong(row, "rotated_at")));
                },
                hostId);
    }

    /** The hosts with a valid credential, in id order. */
    public java.util.List<String> validHostIds()
    {
        return sql.query("SELECT host_id FROM host_credentials WHERE revoked_at IS NULL ORDER BY host_id", row -> row.getString("host_id"));
    }

    /** Asks the host to take a new secret at its next sync, its old one staying good for grace after; false when it has no valid credential. */
    public boolean requestRotation(String hostId, Duration grace, Instant now)
    {
        return sql.update("UPDATE host_credentials SET rotation_requested_at = ?, rotation_grace_millis = ? WHERE host_id = ? AND revoked_at IS NULL",
                now.toEpochMilli(), grace.toMillis(), hostId) == 1;
    }

    /**
     * Replaces the host's secret with newSecretHash; replacedSecretHash (the one the host rotated with) stays good until
     * replacedValidUntil. Only when the credential is still expectedSecretHash, so that two rotations at once do not both
     * win; false otherwise.
     */
    public boolean rotate(String hostId, String expectedSecretHash, String newSecretHash, String replacedSecretHash, Instant replacedValidUntil, Instant now)
    {
        return sql.update("UPDATE host_credentials SET secret_hash = ?, previous_secret_hash = ?, previous_valid_until = ?, rotation_requested_at = NULL, "
                        + "rotation_grace_millis = NULL, rotated_at = ? WHERE host_id = ? AND secret_hash = ? AND revoked_at IS NULL",
                newSecretHash, replacedSecretHash, replacedValidUntil.toEpochMilli(), now.toEpochMilli(), hostId, expectedSecretHash) == 1;
    }

    private static Instant instant(Long epochMillis)
    {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
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
