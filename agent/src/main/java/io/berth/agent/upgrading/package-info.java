/**
 * The agent upgrading itself in place (`berth host upgrade`): a new Berth build is fetched, checked against the SHA-256
 * the operator gave, unpacked beside the old one and asked its version ({@link io.berth.agent.upgrading.AgentBuilds}); the
 * agent process then becomes the new build (execve: the same process id, so a supervisor sees no exit) with its
 * containers left running for the new agent to adopt. The new agent is on trial until it has synced with the control
 * plane ({@link io.berth.agent.upgrading.UpgradeState}); one that does not within the deadline execs the old build again.
 */
package io.berth.agent.upgrading;
