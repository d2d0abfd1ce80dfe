package io.berth.controlplane.accounts;

import static java.util.Objects.requireNonNull;

/**
 * A tenant. Every resource belongs to exactly one account; accountId is the 12-digit id that appears in
 * ARNs. The operator account may also use the admin API.
 */
public record Account(String accountId, String name, boolean operator)
{
    public Account
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
    }
}
