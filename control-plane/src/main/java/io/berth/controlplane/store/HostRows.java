package io.berth.controlplane.store;

import io.berth.common.agentprotocol.HostInfo;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Hosts that agents have announced, with their last heartbeat. */
public final class HostRows
{
    private final Sql sql;

    HostRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void recordHeartbeat(HostInfo info, Instant now)
    {
        sql.update("INSERT INTO hosts (host_id, info, last_heartbeat) VALUES (?, ?, ?) "
                        + "ON CONFLICT (host_id) DO UPDATE SET info = excluded.info, last_heartbeat = excluded.last_heartbeat",
                info.hostId(), JsonBodies.write(info), now.toEpochMilli());
    }

    public Optional<Host> find(String hostId)
    {
        return sql.queryOne("SELECT info, last_heartbeat FROM hosts WHERE host_id = ?", HostRows::host, hostId);
    }

    /** Hosts heard from at or after since, in id order. */
    public List<Host> heardSince(Instant since)
    {
        return sql.query("SELECT info, last_heartbeat FROM hosts WHERE last_heartbeat >= ? ORDER BY host_id", HostRows::host, since.toEpochMilli());
    }

    private static Host host(ResultSet row)
            throws SQLException
    {
        return new Host(JsonBodies.read(row.getString("info"), HostInfo.class), Instant.ofEpochMilli(row.getLong("last_heartbeat")));
    }
}
