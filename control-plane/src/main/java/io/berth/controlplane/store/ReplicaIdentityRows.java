package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** The public parts each control-plane replica proves itself to agents with, by the URL agents reach it at. */
public final class ReplicaIdentityRows
{
    private final Sql sql;

    ReplicaIdentityRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    /** caPin null: the replica serves no TLS. */
    public record ReplicaIdentity(String url, String agentCallKey, String caPin)
    {
        public ReplicaIdentity
        {
            requireNonNull(url, "url is null");
            requireNonNull(agentCallKey, "agentCallKey is null");
        }
    }

    public void announce(ReplicaIdentity identity, Instant now)
    {
        sql.update("INSERT INTO control_plane_identities (url, agent_call_key, ca_pin, announced_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (url) DO UPDATE SET agent_call_key = excluded.agent_call_key, ca_pin = excluded.ca_pin, announced_at = excluded.announced_at",
                identity.url(), identity.agentCallKey(), identity.caPin(), now.toEpochMilli());
    }

    /** The identities of the replicas other than url seen running since (see control_plane_replicas). */
    public List<ReplicaIdentity> othersSeenSince(String url, Instant since)
    {
        return sql.query("SELECT DISTINCT i.url, i.agent_call_key, i.ca_pin FROM control_plane_identities i JOIN control_plane_replicas r ON r.url = i.url "
                        + "WHERE r.last_seen >= ? AND i.url <> ? ORDER BY i.url",
                row -> new ReplicaIdentity(row.getString("url"), row.getString("agent_call_key"), row.getString("ca_pin")), since.toEpochMilli(), url);
    }
}
