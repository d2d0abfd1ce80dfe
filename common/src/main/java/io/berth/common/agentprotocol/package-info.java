/**
 * What the control plane and an agent say to each other. The agent reports the actual state of its tasks
 * ({@link io.berth.common.agentprotocol.TaskReport}); the control plane answers with the desired state
 * ({@link io.berth.common.agentprotocol.TaskAssignment}). Both sides converge by reconciliation, so every
 * message is a full statement of state, safe to repeat.
 */
package io.berth.common.agentprotocol;
