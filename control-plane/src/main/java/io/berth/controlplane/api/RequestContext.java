package io.berth.controlplane.api;

import io.berth.controlplane.accounts.Account;

import static java.util.Objects.requireNonNull;

/** Who is calling (from the verified signature), in which region (from the credential scope). */
public record RequestContext(Account account, String region, String requestId)
{
    public RequestContext
    {
        requireNonNull(account, "account is null");
        requireNonNull(region, "region is null");
        requireNonNull(requestId, "requestId is null");
    }
}
