package io.berth.common.agentprotocol;

import java.util.List;
import java.util.Optional;

/**
 * The answer to an agent's fetch of its network plan alone ({@code GET network?held=VERSION}): the plan and its version,
 * the version a sync answer would give the same plan; the plan is left out when unchanged says the agent holds it at that
 * version, and is null with unchanged false when the control plane has no plan for the host (it has no slice yet): the
 * agent syncs then.
 * <p>
 * An agent that names the version of the endpoints it holds ({@code &endpoints=VERSION}) may get the plan without its
 * endpoints and, in endpointChanges, how they changed from the list it holds ({@link #planFrom}); null otherwise. One
 * that also says it takes them so ({@code &rest=1}) gets no plan at all when the rest of it (the host's peers and egress,
 * a hundred peers in a fleet of a hundred hosts) is what it holds: restHeld says so, and only the changes come.
 */
public record NetworkAnswer(NetworkPlan network, String version, boolean unchanged, EndpointChanges endpointChanges, boolean restHeld)
{
    public NetworkAnswer
    {
        if (restHeld && (network != null || endpointChanges == null)) {
            throw new IllegalArgumentException("an answer that leaves the plan's rest out as held brings no plan and brings its endpoints' changes");
        }
    }

    public NetworkAnswer(NetworkPlan network, String version, boolean unchanged, EndpointChanges endpointChanges)
    {
        this(network, version, unchanged, endpointChanges, false);
    }

    public NetworkAnswer(NetworkPlan network, String version, boolean unchanged)
    {
        this(network, version, unchanged, null);
    }

    /** An answer that leaves the plan out, save how its endpoints changed: the rest of it is what the agent holds. */
    public static NetworkAnswer endpointsOnly(String version, EndpointChanges changes)
    {
        return new NetworkAnswer(null, version, false, changes, true);
    }

    /**
     * The whole plan this answer gives an agent that holds heldEndpoints (null: none) at heldEndpointsVersion: the plan
     * as it came, or with its endpoints made from heldEndpoints by the changes. Empty when there is no plan, or the changes do not apply to
     * what is held (the agent then syncs).
     */
    public Optional<NetworkPlan> planFrom(List<TaskEndpoint> heldEndpoints, String heldEndpointsVersion)
    {
        if (network == null) {
            return Optional.empty();
        }
        if (endpointChanges == null) {
            return Optional.of(network);
        }
        if (heldEndpoints == null) {
            return Optional.empty();
        }
        return endpointChanges.applyTo(heldEndpoints, heldEndpointsVersion).map(network::withEndpoints);
    }

    /**
     * The same for an agent that holds the plan held (null: none), its endpoints at heldEndpointsVersion: an answer that
     * leaves the rest out as held is made from it.
     */
    public Optional<NetworkPlan> planFrom(NetworkPlan held, String heldEndpointsVersion)
    {
        if (!restHeld) {
            return planFrom(held == null ? null : held.endpoints(), heldEndpointsVersion);
        }
        if (held == null) {
            return Optional.empty();
        }
        return endpointChanges.applyTo(held.endpoints(), heldEndpointsVersion).map(held::withEndpoints);
    }
}
