package io.berth.common.agentprotocol;

/**
 * What a long poll for a host's changes found: nothing before its timeout, a change of the task network only (a peer
 * host, or an endpoint of a task on another host, appeared, moved or went away), or a change that may touch the host's
 * own tasks. A network change alone is met by fetching the network plan, which costs the control plane no transaction of
 * the host's; anything else by a sync.
 */
public enum HostChange
{
    NONE,
    NETWORK,
    ANY
}
