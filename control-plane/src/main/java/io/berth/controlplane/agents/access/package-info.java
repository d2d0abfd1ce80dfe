/**
 * Who may be a host: bootstrap join tokens the operator issues, the per-host credential a host receives when it
 * joins with one, and the checks on every agent call. Only hashes of secrets are stored.
 */
package io.berth.controlplane.agents.access;
