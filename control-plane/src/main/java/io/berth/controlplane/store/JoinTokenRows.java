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
        return sql.queryOne("SELECT token_id, secret_hash, created_at, expires_at FROM join_tokens WHERE token_id = ?", JoinTokenRows::token, tokenId);
    }

    private static JoinToken token(ResultSet row)
            throws SQLException
    {
        Long expiresAt = Sql.nullableLong(row, "expires_at");
        return new JoinToken(row.getString("token_id"), row.getString("secret_hash"), Instant.ofEpochMilli(row.getLong("created_at")),
                expiresAt == null ? null : Instant.ofEpochMilli(expiresAt));
    }
}
