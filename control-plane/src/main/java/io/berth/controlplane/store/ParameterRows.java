package io.berth.controlplane.store;

import io.berth.controlplane.secrets.Parameter;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** SSM Parameter Store's parameters, keyed by account and name; their values are sealed. */
public final class ParameterRows
{
    private static final String COLUMNS = "account_id, name, type, sealed_value, version, description, last_modified_at";

    private final Sql sql;

    ParameterRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public Optional<Parameter> find(String accountId, String name)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM ssm_parameters WHERE account_id = ? AND name = ?", ParameterRows::parameter, accountId, name);
    }

    /** false when the account already has a parameter of that name (nothing changes then). */
    public boolean insertIfAbsent(Parameter parameter)
    {
        return sql.update("INSERT INTO ssm_parameters (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, name) DO NOTHING",
                parameter.accountId(), parameter.name(), parameter.type().name(), parameter.sealedValue(), parameter.version(), parameter.description(),
                parameter.lastModifiedAt().toEpochMilli()) == 1;
    }

    /** Replaces the parameter of that version - 1 (false when another writer got there first). */
    public boolean replace(Parameter parameter)
    {
        return sql.update("UPDATE ssm_parameters SET type = ?, sealed_value = ?, version = ?, description = ?, last_modified_at = ? WHERE account_id = ? AND name = ? AND version = ?",
                parameter.type().name(), parameter.sealedValue(), parameter.version(), parameter.description(), parameter.lastModifiedAt().toEpochMilli(),
                parameter.accountId(), parameter.name(), parameter.version() - 1) == 1;
    }

    /** The account's parameters whose names start with prefix, by name, from offset. */
    public List<Parameter> withPrefix(String accountId, String prefix, int offset, int limit)
    {
        // compared with substr rather than LIKE, so that _ and % in names are plain characters
        return sql.query("SELECT " + COLUMNS + " FROM ssm_parameters WHERE account_id = ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ? OFFSET ?",
                ParameterRows::parameter, accountId, prefix.length(), prefix, limit, offset);
    }

    public boolean delete(String accountId, String name)
    {
        return sql.update("DELETE FROM ssm_parameters WHERE account_id = ? AND name = ?", accountId, name) == 1;
    }

    private static Parameter parameter(ResultSet row)
            throws SQLException
    {
        return new Parameter(row.getString("account_id"), row.getString("name"), Parameter.ParameterType.valueOf(row.getString("type")),
                row.getString("sealed_value"), row.getLong("version"), row.getString("description"), Instant.ofEpochMilli(row.getLong("last_modified_at")));
    }
}
