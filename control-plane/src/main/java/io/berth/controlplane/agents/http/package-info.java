/**
 * The agent protocol over HTTP, control plane side: the endpoints agents call under /berth/agent/v1/ (join,
 * sync, long-poll for changes), authenticated by the host's own credential rather than by account keys; and
 * the reader of task logs from a remote agent's endpoint.
 */
package io.berth.controlplane.agents.http;
