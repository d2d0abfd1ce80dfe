/**
 * The agent's own small HTTP endpoint, which the control plane calls (task logs), accepting only requests the
 * control plane signed with this host's credential.
 */
package io.berth.agent.endpoint;
