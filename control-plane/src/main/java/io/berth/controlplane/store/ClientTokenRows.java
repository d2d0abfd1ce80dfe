package io.berth.controlplane.store;

import io.berth.controlplane.idempotency.IdempotentRequest;
import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The client tokens of idempotent requests, with the digest of the request and the ARNs it made. */
public final class ClientTokenRows
{
    private final Sql sql;

    ClientTokenRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** The token's request in this scope, if it was used at or after since. */
    public Optional<IdempotentRequest> find(String accountId, String scope, String token, Instant since)
    {
        return sql.queryOne("SELECT request_digest, resource_arns, created_at FROM client_tokens WHERE account_id = ? AND scope = ? AND token = ? AND created_at >= ?",
                row -> new IdempotentRequest(row.getString("request_digest"), List.of(JsonBodies.read(row.getString("resource_arns"), String[].class)),
                        Instant.ofEpochMilli(row.getLong("created_at"))),
                accountId, scope, token, since.toEpochMilli());
    }

    /** Records the token's request; an expired row of the same token is replaced. */
    public void record(String accountId, String scope, String token, IdempotentRequest request)
    {
        sql.update("DELETE FROM client_tokens WHERE account_id = ? AND scope = ? AND token = ?", accountId, scope, token);
        sql.update("INSERT INTO client_tokens (account_id, scope, token, request_digest, resource_arns, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                accountId, scope, token, request.requestDigest(), JsonBodies.write(request.resourceArns()), request.createdAt().toEpochMilli());
    }

    public int deleteBefore(Instant cutoff)
    {
        return sql.update("DELETE FROM client_tokens WHERE created_at < ?", cutoff.toEpochMilli());
    }
}
