package io.berth.controlplane.store;

import io.berth.controlplane.registry.Repository;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The registry's repositories, keyed by account and name. */
public final class RepositoryRows
{
    private static final String COLUMNS = "account_id, name, created_at, public_read";

    private final Sql sql;

    RepositoryRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Inserts the repository; false when the account already has one of that name (nothing changes then). */
    public boolean insertIfAbsent(Repository repository)
    {
        return sql.update("INSERT INTO ecr_repositories (" + COLUMNS + ") VALUES (?, ?, ?, ?) ON CONFLICT (account_id, name) DO NOTHING",
                repository.accountId(), repository.name(), repository.createdAt().toEpochMilli(), repository.publicRead()) == 1;
    }

    public Optional<Repository> find(String accountId, String name)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM ecr_repositories WHERE account_id = ? AND name = ?", RepositoryRows::repository, accountId, name);
    }

    /** The account's repositories by name, from offset. */
    public List<Repository> list(String accountId, int offset, int limit)
    {
        return sql.query("SELECT " + COLUMNS + " FROM ecr_repositories WHERE account_id = ? ORDER BY name LIMIT ? OFFSET ?",
                RepositoryRows::repository, accountId, limit, offset);
    }

    public boolean delete(String accountId, String name)
    {
        return sql.update("DELETE FROM ecr_repositories WHERE account_id = ? AND name = ?", accountId, name) == 1;
    }

    /** false when there is no such repository. */
    public boolean setPublicRead(String accountId, String name, boolean publicRead)
    {
        return sql.update("UPDATE ecr_repositories SET public_read = ? WHERE account_id = ? AND name = ?", publicRead, accountId, name) == 1;
    }

    private static Repository repository(ResultSet row)
            throws SQLException
    {
        return new Repository(row.getString("account_id"), row.getString("name"), Instant.ofEpochMilli(row.getLong("created_at")), row.getBoolean("public_read"));
    }
}
