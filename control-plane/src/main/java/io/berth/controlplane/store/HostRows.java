package io.berth.controlplane.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.json.Json;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.scheduler.HostState;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Hosts that agents have announced: last heartbeat, operator state, loss, drain deadline and task subnet. */
public final class HostRows
{
    private static final String COLUMNS = "info, last_heartbeat, state, lost_at, drain_deadline, operator_attributes, task_subnet";

    private final Sql sql;
    private final NetworkChanges networkChanges;
    private final ParsedBodyCache<HostInfo> infos;

    HostRows(Sql sql, NetworkChanges networkChanges, ParsedBodyCache<HostInfo> infos)
    {
        this.infos = requireNonNull(infos, "infos is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.networkChanges = requireNonNull(networkChanges, "networkChanges is null");
    }

    /**
     * Records the agent's sync; a host marked lost is no longer lost (it keeps the state the operator set). A new host, a
     * host back from being lost and one whose info changed (its underlay address is in it) change the cluster's network;
     * the heartbeat of a host that is none of these changes only its time.
     */
    public void recordHeartbeat(HostInfo info, Instant now)
    {
        String written = JsonBodies.write(info);
        if (sql.update("UPDATE hosts SET last_heartbeat = ? WHERE host_id = ? AND info = ? AND lost_at IS NULL", now.toEpochMilli(), info.hostId(), written) == 1) {
            return;
        }
        sql.update("INSERT INTO hosts (host_id, info, last_heartbeat) VALUES (?, ?, ?) "
                        + "ON CONFLICT (host_id) DO UPDATE SET info = excluded.info, last_heartbeat = excluded.last_heartbeat, lost_at = NULL",
                info.hostId(), written, now.toEpochMilli());
        networkChanges.changed();
    }

    public Optional<Host> find(String hostId)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM hosts WHERE host_id = ?", this::host, hostId);
    }

    /** Every host, in id order. */
    public List<Host> all()
    {
        return sql.query("SELECT " + COLUMNS + " FROM hosts ORDER BY host_id", this::host);
    }

    /** Hosts heard from at or after since, in id order. */
    public List<Host> heardSince(Instant since)
    {
        return sql.query("SELECT " + COLUMNS + " FROM hosts WHERE last_heartbeat >= ? ORDER BY host_id", this::host, since.toEpochMilli());
    }

    /** Hosts not yet marked lost whose last heartbeat is older than cutoff. */
    public List<Host> silentSince(Instant cutoff)
    {
        return sql.query("SELECT " + COLUMNS + " FROM hosts WHERE lost_at IS NULL AND last_heartbeat < ? ORDER BY host_id", this::host, cutoff.toEpochMilli());
    }

    /** Hosts the operator is draining, in id order. */
    public List<Host> draining()
    {
        return sql.query("SELECT " + COLUMNS + " FROM hosts WHERE state = ? ORDER BY host_id", this::host, HostState.DRAINING.name());
    }

    /** Sets the operator's state (ACTIVE, CORDONED or DRAINING) and the drain deadline (null unless draining); false when no such host. */
    public boolean setOperatorState(String hostId, HostState state, Instant drainDeadline)
    {
        if (state == HostState.LOST) {
            throw new IllegalArgumentException("LOST is not an operator state");
        }
        return sql.update("UPDATE hosts SET state = ?, drain_deadline = ? WHERE host_id = ?",
                state.name(), drainDeadline == null ? null : drainDeadline.toEpochMilli(), hostId) == 1;
    }

    /**
     * Marks the host lost if it is still silent since cutoff, checked in the same statement: a heartbeat that
     * committed after the host was listed as silent (several connections on PostgreSQL) keeps it. True when
     * marked.
     */
    public boolean markLostIfSilentSince(String hostId, Instant cutoff, Instant lostAt)
    {
        return changedNetworkIf(sql.update("UPDATE hosts SET lost_at = ? WHERE host_id = ? AND lost_at IS NULL AND last_heartbeat < ?",
                lostAt.toEpochMilli(), hostId, cutoff.toEpochMilli()) == 1);
    }

    public boolean setOperatorAttributes(String hostId, Map<String, String> attributes)
    {
        return sql.update("UPDATE hosts SET operator_attributes = ? WHERE host_id = ?", JsonBodies.write(attributes), hostId) == 1;
    }

    /**
     * Gives the host its slice of the task CIDR if it has none yet; false when it already had one (or no such
     * host). A slice another host took meanwhile breaks the unique constraint: that is a lost race, so the
     * transaction runs again and picks another slice.
     */
    public boolean assignTaskSubnet(String hostId, String taskSubnet)
    {
        requireNonNull(taskSubnet, "taskSubnet is null");
        try {
            return changedNetworkIf(sql.update("UPDATE hosts SET task_subnet = ? WHERE host_id = ? AND task_subnet IS NULL", taskSubnet, hostId) == 1);
        }
        catch (StoreException e) {
            if (e.getCause() instanceof SQLException cause && StoreException.isUniqueViolation(cause)) {
                throw new ConcurrentUpdateException("Task subnet " + taskSubnet + " was taken by another host meanwhile", e);
            }
            throw e;
        }
    }

    /**
     * Moves the host from one slice to another (a slice of an earlier plan to one of the current plan); false
     * when the host no longer holds from. A taken slice is a lost race, as in {@link #assignTaskSubnet}.
     */
    public boolean replaceTaskSubnet(String hostId, String from, String to)
    {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        try {
            return changedNetworkIf(sql.update("UPDATE hosts SET task_subnet = ? WHERE host_id = ? AND task_subnet = ?", to, hostId, from) == 1);
        }
        catch (StoreException e) {
            if (e.getCause() instanceof SQLException cause && StoreException.isUniqueViolation(cause)) {
                throw new ConcurrentUpdateException("Task subnet " + to + " was taken by another host meanwhile", e);
            }
            throw e;
        }
    }

    /** The task subnets hosts hold, in host id order. */
    public List<String> taskSubnets()
    {
        return sql.query("SELECT task_subnet FROM hosts WHERE task_subnet IS NOT NULL ORDER BY host_id", row -> row.getString(1));
    }

    /** Forgets the host (its slice goes back to the plan); false when no such host. */
    public boolean delete(String hostId)
    {
        return changedNetworkIf(sql.update("DELETE FROM hosts WHERE host_id = ?", hostId) == 1);
    }

    /**
     * Serializes placement: every placing transaction updates this one row first, so the second waits for the
     * first to commit and then sees what it placed.
     */
    public void lockForPlacement()
    {
        sql.update("UPDATE placement_lock SET epoch = epoch + 1 WHERE id = 1");
    }

    /** Notes a change of the cluster's network when changed (a host's slice, loss or presence is in every plan's peers). */
    private boolean changedNetworkIf(boolean changed)
    {
        if (changed) {
            networkChanges.changed();
        }
        return changed;
    }

    /**
     * Takes the placement lock unless another transaction holds it; false then, at once. On SQLite, whose one connection
     * makes transactions run one at a time, nobody else can hold it.
     */
    public boolean tryLockForPlacement()
    {
        if (sql.isPostgreSql() && sql.query("SELECT id FROM placement_lock WHERE id = 1 FOR UPDATE SKIP LOCKED", row -> row.getInt(1)).isEmpty()) {
            return false;
        }
        lockForPlacement();
        return true;
    }

    private Host host(ResultSet row)
            throws SQLException
    {
        Long lostAt = Sql.nullableLong(row, "lost_at");
        Long drainDeadline = Sql.nullableLong(row, "drain_deadline");
        return new Host(
                infos.parse(row.getString("info")),
                Instant.ofEpochMilli(row.getLong("last_heartbeat")),
                HostState.valueOf(row.getString("state")),
                lostAt == null ? null : Instant.ofEpochMilli(lostAt),
                drainDeadline == null ? null : Instant.ofEpochMilli(drainDeadline),
                readAttributes(row.getString("operator_attributes")),
                row.getString("task_subnet"));
    }

    private static Map<String, String> readAttributes(String json)
    {
        if (json.equals("{}")) {
            // what nearly every host has: the operator set no attribute
            return Map.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<Map<String, String>>() {});
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("Cannot decode stored host attributes: " + e.getOriginalMessage(), e);
        }
    }
}
