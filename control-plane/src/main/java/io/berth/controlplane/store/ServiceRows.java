package io.berth.controlplane.store;

import io.berth.controlplane.services.Service;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * ECS services, keyed by account, cluster and name, the whole service as a JSON body. Updates carry the version
 * they read; a row changed meanwhile raises {@link ConcurrentUpdateException} and the transaction runs again.
 */
public final class ServiceRows
{
    private final Sql sql;

    ServiceRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** Inserts the service, replacing an INACTIVE one of the same name; false when a live one holds the name. */
    public boolean insertOrReplaceInactive(Service service)
    {
        int deleted = sql.update("DELETE FROM services WHERE account_id = ? AND cluster_name = ? AND name = ? AND status = ?",
                service.accountId(), service.clusterName(), service.name(), Service.Status.INACTIVE.name());
        if (deleted == 0 && find(service.accountId(), service.clusterName(), service.name()).isPresent()) {
            return false;
        }
        sql.update("INSERT INTO services (account_id, cluster_name, name, arn, status, launch_type, created_at, version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                service.accountId(), service.clusterName(), service.name(), service.arn(), service.status().name(), Service.LAUNCH_TYPE,
                service.createdAt().toEpochMilli(), service.version(), JsonBodies.write(service));
        return true;
    }

    /** Stores after, read as before, with the next version; true when it changed. Throws ConcurrentUpdateException if another writer came first. */
    public boolean updateIfChanged(Service before, Service after)
    {
        if (after.equals(before)) {
            return false;
        }
        Service next = after.toBuilder().version(before.version() + 1).build();
        int updated = sql.update("UPDATE services SET status = ?, version = ?, body = ? WHERE account_id = ? AND cluster_name = ? AND name = ? AND version = ?",
                next.status().name(), next.version(), JsonBodies.write(next), next.accountId(), next.clusterName(), next.name(), before.version());
        if (updated != 1) {
            throw new ConcurrentUpdateException("Service " + next.arn() + " changed concurrently");
        }
        return true;
    }

    public Optional<Service> find(String accountId, String clusterName, String name)
    {
        return sql.queryOne("SELECT body FROM services WHERE account_id = ? AND cluster_name = ? AND name = ?", ServiceRows::service, accountId, clusterName, name);
    }

    /** ARNs of the cluster's ACTIVE and DRAINING services by name, from offset. */
    public List<String> listLiveArns(String accountId, String clusterName, int offset, int limit)
    {
        return sql.query("SELECT arn FROM services WHERE account_id = ? AND cluster_name = ? AND status <> ? ORDER BY name LIMIT ? OFFSET ?",
                row -> row.getString(1), accountId, clusterName, Service.Status.INACTIVE.name(), limit, offset);
    }

    public long countLive(String accountId, String clusterName)
    {
        return sql.count("SELECT COUNT(*) FROM services WHERE account_id = ? AND cluster_name = ? AND status <> ?",
                accountId, clusterName, Service.Status.INACTIVE.name());
    }

    /** Every ACTIVE and DRAINING service of every account: what the controller works on. */
    public List<Service> allLive()
    {
        return sql.query("SELECT body FROM services WHERE status <> ? ORDER BY account_id, cluster_name, name", ServiceRows::service, Service.Status.INACTIVE.name());
    }

    private static Service service(ResultSet row)
            throws SQLException
    {
        return JsonBodies.read(row.getString("body"), Service.class);
    }
}
