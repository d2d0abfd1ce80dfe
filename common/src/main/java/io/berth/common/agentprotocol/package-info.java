/**
 * What the control plane and an agent say to each other. The agent reports the actual state of its tasks
 * ({@link io.berth.common.agentprotocol.TaskReport}); the control plane answers with the desired state
 * ({@link io.berth.common.agentprotocol.TaskAssignment}). Both sides converge by reconciliation, so every
 * message is a statement of state, safe to repeat: on the wire a sync carries only what changed since what the other
 * side is known to hold ({@link io.berth.common.agentprotocol.HeldState}, {@link io.berth.common.agentprotocol.AgentSyncDelta}),
 * and anything unknown makes it whole again. Beside that, an agent ships the lines of its tasks' awslogs
 * containers ({@link io.berth.common.agentprotocol.LogBatch}) through a
 * {@link io.berth.common.agentprotocol.LogShippingLink}; a batch is stored whole or not at all, so it too may be sent again.
 */
package io.berth.common.agentprotocol;
