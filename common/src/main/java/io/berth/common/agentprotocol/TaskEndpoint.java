package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/** A task's address in the cluster and the account that owns the task. */
public record TaskEndpoint(String ipv4Address, String accountId)
{
    public TaskEndpoint
    {
        requireNonNull(ipv4Address, "ipv4Address is null");
        requireNonNull(accountId, "accountId is null");
    }
}
