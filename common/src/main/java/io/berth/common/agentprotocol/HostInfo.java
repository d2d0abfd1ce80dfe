package io.berth.common.agentprotocol;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Who a host is and what it can hold: cpu in ECS cpu units, memory in MiB. agentPort is the port of the
 * agent's own HTTP endpoint on address (where the control plane reads task logs); 0 when it has none.
 * isolationTiers are the tiers the host can run tasks at (the runtimes it has); a host that does not say (an older
 * agent) offers only {@link IsolationTier#CONTAINER}. agentVersion is the Berth version of the agent process (what `berth
 * --version` says of its build; `berth host upgrade` changes it); null from an agent that does not say. agentProtocol is
 * the agent protocol version it speaks ({@link AgentProtocolVersion}); null from a build before versions (version 1).
 */
public record HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes, int agentPort, Set<IsolationTier> isolationTiers,
                       String agentVersion, Integer agentProtocol)
{
    public HostInfo
    {
        requireNonNull(hostId, "hostId is null");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (agentPort < 0 || agentPort > 65535) {
            throw new IllegalArgumentException("agentPort out of range: " + agentPort);
        }
        isolationTiers = isolationTiers == null || isolationTiers.isEmpty() ? Set.of(IsolationTier.CONTAINER) : Set.copyOf(EnumSet.copyOf(isolationTiers));
        if (agentProtocol != null && agentProtocol < 1) {
            throw new IllegalArgumentException("agentProtocol is a version from 1 up: " + agentProtocol);
        }
    }

    /** From an agent that does not say its protocol version. */
    public HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes, int agentPort, Set<IsolationTier> isolationTiers,
            String agentVersion)
    {
        this(hostId, address, cpu, memoryMiB, attributes, agentPort, isolationTiers, agentVersion, null);
    }

    /** From an agent that does not say its version. */
    public HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes, int agentPort, Set<IsolationTier> isolationTiers)
    {
        this(hostId, address, cpu, memoryMiB, attributes, agentPort, isolationTiers, null, null);
    }

    /** A host that runs containers with runc only. */
    public HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes, int agentPort)
    {
        this(hostId, address, cpu, memoryMiB, attributes, agentPort, Set.of(IsolationTier.CONTAINER));
    }

    /** A host without an agent endpoint. */
    public HostInfo(String hostId, String address, int cpu, long memoryMiB, Map<String, String> attributes)
    {
        this(hostId, address, cpu, memoryMiB, attributes, 0);
    }

    public HostInfo withAgentPort(int port)
    {
        return new HostInfo(hostId, address, cpu, memoryMiB, attributes, port, isolationTiers, agentVersion, agentProtocol);
    }

    public HostInfo withAgentVersion(String version)
    {
        return new HostInfo(hostId, address, cpu, memoryMiB, attributes, agentPort, isolationTiers, version, agentProtocol);
    }

    /** This host as an agent speaking agent protocol version says. */
    public HostInfo withAgentProtocol(int version)
    {
        return new HostInfo(hostId, address, cpu, memoryMiB, attributes, agentPort, isolationTiers, agentVersion, version);
    }

    /** The agent protocol version the agent speaks: {@link AgentProtocolVersion#UNVERSIONED} when it did not say. */
    public int speaksAgentProtocol()
    {
        return agentProtocol == null ? AgentProtocolVersion.UNVERSIONED : agentProtocol;
    }
}
