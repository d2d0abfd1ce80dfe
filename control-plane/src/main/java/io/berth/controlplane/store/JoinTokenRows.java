package io.berth.controlplane.store;

import io.berth.controlplane.agents.access.JoinToken;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Bootstrap tokens hosts join with, by the hash of their secret. */
public final class JoinTokenRows
{
    private final Sql sql;

    JoinTokenRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void insert(JoinToken token)
    {
        sql.update("INSERT INTO join_tokens (token_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                token.tokenId(), token.secretHash(), token.createdAt().toEpochMilli(), token.expiresAt() == null ? null : token.expiresAt().toEpochMilli());
    }

    public Optional<JoinToken> find(String tokenId)
    {
        return sql.queryOne("SELECT token_id, secret_hash, created_at, expires_at, revoked_at FROM join_tokens WHERE token_id = ?", JoinTokenRows::token, tokenId);
    }

    /** Marks the token revoked (hosts can no longer join with it); false when there is no such token or it already was. */
    public boolean revoke(String tokenId, Instant now)
    {
        return sql.update("UPDATE join_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", now.toEpochMilli(), tokenId) == 1;
    }

    private static JoinToken token(ResultSet row)
            throws SQLException
    {
        Long expiresAt = Sql.nullableLong(row, "expires_at");
        Long revokedAt = Sql.nullableLong(row, "revoked_at");
        return new JoinToken(row.getString("token_id"), row.getString("secret_hash"), Instant.ofEpochMilli(row.getLong("created_at")),
                expiresAt == null ? null : Instant.ofEpochMilli(expiresAt), revokedAt == null ? null : Instant.ofEpochMilli(revokedAt));
    }
}
