package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The load balancing resources (load balancers, target groups, listeners, rules) as rows with a JSON body, and the
 * targets of each target group with their drain deadline and health: what each ingress host last saw, and the worst
 * of those of the ingress hosts not lost, which is the target's health.
 */
public final class LoadBalancingRows
{
    private final Sql sql;

    LoadBalancingRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** A stored resource: kind, who owns it, under what (parent ARN or ''), its unique name there, and its body. */
    public record Resource(String arn, String accountId, String kind, String parentArn, String name, String address, Instant createdAt, String body)
    {
        public Resource
        {
            requireNonNull(arn, "arn is null");
            requireNonNull(accountId, "accountId is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(parentArn, "parentArn is null");
            requireNonNull(name, "name is null");
            requireNonNull(createdAt, "createdAt is null");
            requireNonNull(body, "body is null");
        }
    }

    /** A registered target; drainUntil null unless it is being deregistered, health fields null until first seen. */
    public record TargetRow(String targetGroupArn, String targetId, int port, Instant registeredAt, Instant drainUntil,
            String healthState, String healthReason, String healthDescription) {}

    private static final String COLUMNS = "arn, account_id, kind, parent_arn, name, address, created_at, body";
    private static final String TARGET_COLUMNS = "target_group_arn, target_id, port, registered_at, drain_until, health_state, health_reason, health_description";

    /** false when the name (or the address) is taken: nothing is written then. */
    public boolean insertIfAbsent(Resource resource)
    {
        return sql.update("INSERT INTO elb_resources (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                resource.arn(), resource.accountId(), resource.kind(), resource.parentArn(), resource.name(), resource.address(),
                resource.createdAt().toEpochMilli(), resource.body()) == 1;
    }

    public Optional<Resource> find(String accountId, String kind, String arn)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM elb_resources WHERE arn = ? AND account_id = ? AND kind = ?",
                LoadBalancingRows::resource, arn, accountId, kind);
    }

    public Optional<Resource> findByName(String accountId, String kind, String parentArn, String name)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM elb_resources WHERE account_id = ? AND kind = ? AND parent_arn = ? AND name = ?",
                LoadBalancingRows::resource, accountId, kind, parentArn, name);
    }

    /** The account's resources of the kind, oldest first. */
    public List<Resource> list(String accountId, String kind)
    {
        return sql.query("SELECT " + COLUMNS + " FROM elb_resources WHERE account_id = ? AND kind = ? ORDER BY created_at, arn",
                LoadBalancingRows::resource, accountId, kind);
    }

    public List<Resource> children(String parentArn, String kind)
    {
        return sql.query("SELECT " + COLUMNS + " FROM elb_resources WHERE parent_arn = ? AND kind = ? ORDER BY created_at, arn",
                LoadBalancingRows::resource, parentArn, kind);
    }

    /** Every account's resources of the kind: what the ingress hosts serve. */
    public List<Resource> all(String kind)
    {
        return sql.query("SELECT " + COLUMNS + " FROM elb_resources WHERE kind = ? ORDER BY created_at, arn", LoadBalancingRows::resource, kind);
    }

    public Set<String> addressesInUse()
    {
        return new HashSet<>(sql.query("SELECT address FROM elb_resources WHERE address IS NOT NULL", row -> row.getString("address")));
    }

    public boolean updateBody(String arn, String body)
    {
        return sql.update("UPDATE elb_resources SET body = ? WHERE arn = ?", body, arn) == 1;
    }

    public boolean delete(String arn)
    {
        return sql.update("DELETE FROM elb_resources WHERE arn = ?", arn) == 1;
    }

    /** Registers the target, or takes back its deregistration when it was draining. */
    public void registerTarget(String targetGroupArn, String targetId, int port, Instant now)
    {
        if (sql.update("UPDATE elb_targets SET drain_until = NULL WHERE target_group_arn = ? AND target_id = ? AND port = ?", targetGroupArn, targetId, port) == 0) {
            sql.update("INSERT INTO elb_targets (target_group_arn, target_id, port, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    targetGroupArn, targetId, port, now.toEpochMilli());
        }
    }

    /** Starts draining the target (once: a second deregistration keeps the first deadline); false when it is not registered. */
    public boolean drainTarget(String targetGroupArn, String targetId, int port, Instant drainUntil)
    {
        if (sql.count("SELECT COUNT(*) FROM elb_targets WHERE target_group_arn = ? AND target_id = ? AND port = ?", targetGroupArn, targetId, port) == 0) {
            return false;
        }
        sql.update("UPDATE elb_targets SET drain_until = ? WHERE target_group_arn = ? AND target_id = ? AND port = ? AND drain_until IS NULL",
                drainUntil.toEpochMilli(), targetGroupArn, targetId, port);
        return true;
    }

    public List<TargetRow> targets(String targetGroupArn)
    {
        return sql.query("SELECT " + TARGET_COLUMNS + " FROM elb_targets WHERE target_group_arn = ? ORDER BY registered_at, target_id, port",
                LoadBalancingRows::target, targetGroupArn);
    }

    /** Drops targets whose deregistration delay has ended; how many. */
    public int removeDrainedTargets(Instant now)
    {
        int removed = sql.update("DELETE FROM elb_targets WHERE drain_until IS NOT NULL AND drain_until <= ?", now.toEpochMilli());
        if (removed > 0) {
            sql.update("DELETE FROM elb_target_health WHERE NOT EXISTS (SELECT 1 FROM elb_targets t WHERE t.target_group_arn = elb_target_health.target_group_arn "
                    + "AND t.target_id = elb_target_health.target_id AND t.port = elb_target_health.port)");
        }
        return removed;
    }

    public void removeTargets(String targetGroupArn)
    {
        sql.update("DELETE FROM elb_targets WHERE target_group_arn = ?", targetGroupArn);
        sql.update("DELETE FROM elb_target_health WHERE target_group_arn = ?", targetGroupArn);
    }

    /**
     * Records what the ingress host saw of a registered target, and sets the target's health to the worst that any
     * ingress host not lost sees (so with several, the last reporter does not simply win); true when that changed.
     */
    public boolean recordHealth(String hostId, String targetGroupArn, String targetId, int port, String state, String reason, String description)
    {
        if (sql.count("SELECT COUNT(*) FROM elb_targets WHERE target_group_arn = ? AND target_id = ? AND port = ?", targetGroupArn, targetId, port) == 0) {
            return false;
        }
        sql.update("INSERT INTO elb_target_health (target_group_arn, target_id, port, host_id, state, reason, description) VALUES (?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (target_group_arn, target_id, port, host_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, "
                        + "description = excluded.description",
                targetGroupArn, targetId, port, hostId, state, reason, description);
        List<SeenHealth> seen = sql.query("SELECT h.state, h.reason, h.description FROM elb_target_health h JOIN hosts ON hosts.host_id = h.host_id "
                        + "WHERE h.target_group_arn = ? AND h.target_id = ? AND h.port = ? AND hosts.lost_at IS NULL ORDER BY h.host_id",
                row -> new SeenHealth(row.getString("state"), row.getString("reason"), row.getString("description")), targetGroupArn, targetId, port);
        SeenHealth worst = seen.stream().max(java.util.Comparator.comparingInt(SeenHealth::severity)).orElse(new SeenHealth(state, reason, description));
        return sql.update("UPDATE elb_targets SET health_state = ?, health_reason = ?, health_description = ? "
                        + "WHERE target_group_arn = ? AND target_id = ? AND port = ? "
                        + "AND (health_state IS NULL OR health_state <> ? OR COALESCE(health_reason, '') <> ? OR COALESCE(health_description, '') <> ?)",
                worst.state(), worst.reason(), worst.description(), targetGroupArn, targetId, port, worst.state(),
                worst.reason() == null ? "" : worst.reason(), worst.description() == null ? "" : worst.description()) == 1;
    }

    /** One ingress host's view of a target; unhealthy is worse than initial (not yet checked enough), which is worse than healthy. */
    private record SeenHealth(String state, String reason, String description)
    {
        int severity()
        {
            return switch (state) {
                case "healthy" -> 0;
                case "unhealthy" -> 2;
                default -> 1;
            };
        }
    }

    private static Resource resource(ResultSet row)
            throws SQLException
    {
        return new Resource(row.getString("arn"), row.getString("account_id"), row.getString("kind"), row.getString("parent_arn"), row.getString("name"),
                row.getString("address"), Instant.ofEpochMilli(row.getLong("created_at")), row.getString("body"));
    }

    private static TargetRow target(ResultSet row)
            throws SQLException
    {
        Long drainUntil = Sql.nullableLong(row, "drain_until");
        return new TargetRow(row.getString("target_group_arn"), row.getString("target_id"), row.getInt("port"), Instant.ofEpochMilli(row.getLong("registered_at")),
                drainUntil == null ? null : Instant.ofEpochMilli(drainUntil), row.getString("health_state"), row.getString("health_reason"), row.getString("health_description"));
    }
}
