package io.berth.common.agentprotocol;

/**
 * The answer to an agent's fetch of its network plan alone ({@code GET network?held=VERSION}): the plan and its version,
 * the version a sync answer would give the same plan; the plan is left out when unchanged says the agent holds it at that
 * version, and is null with unchanged false when the control plane has no plan for the host (it has no slice yet): the
 * agent syncs then.
 */
public record NetworkAnswer(NetworkPlan network, String version, boolean unchanged) {}
