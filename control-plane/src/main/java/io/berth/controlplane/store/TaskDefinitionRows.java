package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;
import io.berth.controlplane.taskdefinitions.TaskDefinition;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Task definition revisions, keyed by account, family and revision; the definition itself is a JSON body. */
public final class TaskDefinitionRows
{
    private final Sql sql;
    private final ParsedBodyCache<TaskDefinition> parsed;

    TaskDefinitionRows(Sql sql, ParsedBodyCache<TaskDefinition> parsed)
    {
        this.sql = requireNonNull(sql, "sql is null");
        this.parsed = requireNonNull(parsed, "parsed is null");
    }

    public int latestRevision(String accountId, String family)
    {
        return (int) sql.count("SELECT COALESCE(MAX(revision), 0) FROM task_definitions WHERE account_id = ? AND family = ?", accountId, family);
    }

    /** Inserts a new revision; a concurrent registration of the same revision makes the transaction run again. */
    public void insert(TaskDefinition definition)
    {
        try {
            sql.update("INSERT INTO task_definitions (account_id, family, revision, status, arn, registered_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    definition.accountId(), definition.family(), definition.revision(), definition.status().name(), definition.arn(),
                    definition.registeredAt().toEpochMilli(), JsonBodies.write(definition));
        }
        catch (StoreException e) {
            if (e.getCause() instanceof SQLException cause && StoreException.isUniqueViolation(cause)) {
                throw new ConcurrentUpdateException("revision " + definition.revision() + " of " + definition.family() + " was taken", e);
            }
            throw e;
        }
    }

    public void update(TaskDefinition definition)
    {
        sql.update("UPDATE task_definitions SET status = ?, body = ? WHERE account_id = ? AND family = ? AND revision = ?",
                definition.status().name(), JsonBodies.write(definition), definition.accountId(), definition.family(), definition.revision());
    }

    public Optional<TaskDefinition> find(String accountId, String family, int revision)
    {
        return sql.queryOne("SELECT body FROM task_definitions WHERE account_id = ? AND family = ? AND revision = ?",
                this::definition, accountId, family, revision);
    }

    public Optional<TaskDefinition> findLatestActive(String accountId, String family)
    {
        return sql.query("SELECT body FROM task_definitions WHERE account_id = ? AND family = ? AND status = ? ORDER BY revision DESC LIMIT 1",
                this::definition, accountId, family, TaskDefinition.Status.ACTIVE.name()).stream().findFirst();
    }

    /** ARNs ordered by family then revision; familyPrefix and status may be null (no filter). */
    public List<String> listArns(String accountId, String familyPrefix, TaskDefinition.Status status, boolean descending, int offset, int limit)
    {
        String direction = descending ? "DESC" : "ASC";
        List<Object> parameters = new ArrayList<>();
        String where = filter(accountId, familyPrefix, status, parameters);
        parameters.add(limit);
        parameters.add(offset);
        return sql.query("SELECT arn FROM task_definitions WHERE " + where + " ORDER BY family " + direction + ", revision " + direction + " LIMIT ? OFFSET ?",
                row -> row.getString(1), parameters.toArray());
    }

    /** Families that have a revision with the status (null: any status). */
    public List<String> listFamilies(String accountId, String familyPrefix, TaskDefinition.Status status, int offset, int limit)
    {
        List<Object> parameters = new ArrayList<>();
        String where = filter(accountId, familyPrefix, status, parameters);
        parameters.add(limit);
        parameters.add(offset);
        return sql.query("SELECT DISTINCT family FROM task_definitions WHERE " + where + " ORDER BY family LIMIT ? OFFSET ?",
                row -> row.getString(1), parameters.toArray());
    }

    private static String filter(String accountId, String familyPrefix, TaskDefinition.Status status, List<Object> parameters)
    {
        StringBuilder where = new StringBuilder("account_id = ?");
        parameters.add(accountId);
        if (familyPrefix != null) {
            // SUBSTR rather than LIKE: a prefix may contain '_', which LIKE would read as a wildcard
            where.append(" AND SUBSTR(family, 1, ?) = ?");
            parameters.add(familyPrefix.length());
            parameters.add(familyPrefix);
        }
        if (status != null) {
            where.append(" AND status = ?");
            parameters.add(status.name());
        }
        return where.toString();
    }

    private TaskDefinition definition(ResultSet row)
            throws SQLException
    {
        return parsed.parse(row.getString("body"));
    }
}
