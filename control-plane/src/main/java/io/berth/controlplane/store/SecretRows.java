package io.berth.controlplane.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.common.json.Json;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.secrets.Secret;
import io.berth.controlplane.secrets.SecretVersion;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Secrets Manager's secrets (keyed by account and name, and by ARN) and their versions (whose values are sealed). */
public final class SecretRows
{
    private static final String COLUMNS = "account_id, name, arn, description, tags, created_at, last_changed_at, deleted_at, deletion_date";
    private static final String VERSION_COLUMNS = "secret_arn, version_id, stages, sealed_value, is_binary, created_at";

    private final Sql sql;

    SecretRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** false when the account already has a secret of that name (nothing changes then). */
    public boolean insertIfAbsent(Secret secret)
    {
        return sql.update("INSERT INTO secrets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, name) DO NOTHING",
                secret.accountId(), secret.name(), secret.arn(), secret.description(), JsonBodies.write(secret.tags()),
                secret.createdAt().toEpochMilli(), secret.lastChangedAt().toEpochMilli(), millis(secret.deletedAt()), millis(secret.deletionDate())) == 1;
    }

    public void update(Secret secret)
    {
        sql.update("UPDATE secrets SET description = ?, tags = ?, last_changed_at = ?, deleted_at = ?, deletion_date = ? WHERE arn = ?",
                secret.description(), JsonBodies.write(secret.tags()), secret.lastChangedAt().toEpochMilli(), millis(secret.deletedAt()),
                millis(secret.deletionDate()), secret.arn());
    }

    public Optional<Secret> findByName(String accountId, String name)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM secrets WHERE account_id = ? AND name = ?", SecretRows::secret, accountId, name);
    }

    public Optional<Secret> findByArn(String accountId, String arn)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM secrets WHERE account_id = ? AND arn = ?", SecretRows::secret, accountId, arn);
    }

    /** The account's secrets by name, from offset; those scheduled for deletion only when asked. */
    public List<Secret> list(String accountId, boolean includeScheduledForDeletion, int offset, int limit)
    {
        return sql.query("SELECT " + COLUMNS + " FROM secrets WHERE account_id = ?" + (includeScheduledForDeletion ? "" : " AND deleted_at IS NULL")
                + " ORDER BY name LIMIT ? OFFSET ?", SecretRows::secret, accountId, limit, offset);
    }

    /** Removes the secret and every version of it. */
    public void delete(String arn)
    {
        sql.update("DELETE FROM secret_versions WHERE secret_arn = ?", arn);
        sql.update("DELETE FROM secrets WHERE arn = ?", arn);
    }

    public List<SecretVersion> versions(String arn)
    {
        return sql.query("SELECT " + VERSION_COLUMNS + " FROM secret_versions WHERE secret_arn = ? ORDER BY created_at, version_id", SecretRows::version, arn);
    }

    public void insertVersion(SecretVersion version)
    {
        sql.update("INSERT INTO secret_versions (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                version.secretArn(), version.versionId(), String.join(",", version.stages()), version.sealedValue(), version.binary(), version.createdAt().toEpochMilli());
    }

    public void setStages(String arn, String versionId, List<String> stages)
    {
        sql.update("UPDATE secret_versions SET stages = ? WHERE secret_arn = ? AND version_id = ?", String.join(",", stages), arn, versionId);
    }

    public void deleteVersion(String arn, String versionId)
    {
        sql.update("DELETE FROM secret_versions WHERE secret_arn = ? AND version_id = ?", arn, versionId);
    }

    private static Long millis(Instant instant)
    {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static Instant instant(ResultSet row, String column)
            throws SQLException
    {
        Long millis = Sql.nullableLong(row, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Secret secret(ResultSet row)
            throws SQLException
    {
        List<Tag> tags;
        try {
            tags = Json.mapper().readValue(row.getString("tags"), new TypeReference<List<Tag>>() {});
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("Cannot decode the stored tags of secret " + row.getString("arn") + ": " + e.getMessage(), e);
        }
        return new Secret(row.getString("account_id"), row.getString("name"), row.getString("arn"), row.getString("description"), tags,
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("last_changed_at")),
                instant(row, "deleted_at"), instant(row, "deletion_date"));
    }

    private static SecretVersion version(ResultSet row)
            throws SQLException
    {
        String stages = row.getString("stages");
        return new SecretVersion(row.getString("secret_arn"), row.getString("version_id"),
                stages.isEmpty() ? List.of() : Arrays.asList(stages.split(",")), row.getString("sealed_value"), row.getBoolean("is_binary"),
                Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
