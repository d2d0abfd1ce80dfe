package io.berth.controlplane.store;

import io.berth.controlplane.clusters.Cluster;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Clusters, keyed by account and name. */
public final class ClusterRows
{
    private static final String COLUMNS = "account_id, name, arn, status, created_at, configuration";

    private final Sql sql;
    private final ParsedBodyCache<ClusterConfiguration> configurations;

    ClusterRows(Sql sql, ParsedBodyCache<ClusterConfiguration> configurations)
    {
        this.sql = requireNonNull(sql, "sql is null");
        this.configurations = requireNonNull(configurations, "configurations is null");
    }

    /**
     * Inserts the cluster, or reactivates a deleted one of the same name with the new cluster's ARN and
     * configuration; a live cluster is left as is.
     */
    /** False when an ACTIVE cluster of that name was already there (another request made it first). */
    public boolean upsertActive(Cluster cluster)
    {
        return sql.update("INSERT INTO clusters (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (account_id, name) DO UPDATE SET status = excluded.status, created_at = excluded.created_at, "
                        + "arn = excluded.arn, configuration = excluded.configuration "
                        + "WHERE clusters.status <> excluded.status",
                cluster.accountId(), cluster.name(), cluster.arn(), cluster.status().name(), cluster.createdAt().toEpochMilli(),
                JsonBodies.write(cluster.configuration())) > 0;
    }

    public void setConfiguration(String accountId, String name, ClusterConfiguration configuration)
    {
        sql.update("UPDATE clusters SET configuration = ? WHERE account_id = ? AND name = ?", JsonBodies.write(configuration), accountId, name);
    }

    public Optional<Cluster> find(String accountId, String name)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM clusters WHERE account_id = ? AND name = ?", this::cluster, accountId, name);
    }

    public List<Cluster> listActive(String accountId, int offset, int limit)
    {
        return sql.query("SELECT " + COLUMNS + " FROM clusters WHERE account_id = ? AND status = ? ORDER BY name LIMIT ? OFFSET ?",
                this::cluster, accountId, Cluster.Status.ACTIVE.name(), limit, offset);
    }

    public void setStatus(String accountId, String name, Cluster.Status status)
    {
        sql.update("UPDATE clusters SET status = ? WHERE account_id = ? AND name = ?", status.name(), accountId, name);
    }

    private Cluster cluster(ResultSet row)
            throws SQLException
    {
        String configuration = row.getString("configuration");
        return new Cluster(
                row.getString("account_id"),
                row.getString("name"),
                row.getString("arn"),
                Cluster.Status.valueOf(row.getString("status")),
                Instant.ofEpochMilli(row.getLong("created_at")),
                configuration == null ? ClusterConfiguration.EMPTY : configurations.parse(configuration));
    }
}
