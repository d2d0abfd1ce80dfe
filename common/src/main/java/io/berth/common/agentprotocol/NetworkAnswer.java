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
 * endpoints and, in endpointChanges, how they changed from the list it holds ({@link #planFrom}); null otherwise.
 */
public record NetworkAnswer(NetworkPlan network, String version, boolean unchanged, EndpointChanges endpointChanges)
{
    public NetworkAnswer(NetworkPlan network, String version, boolean unchanged)
    {
        this(network, version, unchanged, null);
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
}
