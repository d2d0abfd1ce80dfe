/**
 * The control plane's side of the agent protocol: record hosts and their heartbeats, apply the agents' task
 * reports, and answer with the tasks each host should hold. Also where task logs are read from hosts.
 */
package io.berth.controlplane.agents;
