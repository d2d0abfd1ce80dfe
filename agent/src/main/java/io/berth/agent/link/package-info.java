/**
 * How a remote agent reaches its control plane over HTTP: joining with a bootstrap token, keeping the host
 * credential it receives in its data directory, and the agent protocol (sync, long-poll for changes) signed
 * with that credential.
 */
package io.berth.agent.link;
