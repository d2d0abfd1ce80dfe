/**
 * Wake-ups across control-plane replicas: a change one replica makes to a host's desired state reaches the agent
 * long-polling another replica at once (PostgreSQL LISTEN/NOTIFY), not at its next heartbeat.
 */
package io.berth.controlplane.agents.wakeups;
