package io.berth.controlplane.accounts;

import static java.util.Objects.requireNonNull;

/** An access key id and its secret, belonging to one account. */
public record AccessKey(String accessKeyId, String secretAccessKey, Account account)
{
    public AccessKey
    {
        requireNonNull(accessKeyId, "accessKeyId is null");
        requireNonNull(secretAccessKey, "secretAccessKey is null");
        requireNonNull(account, "account is null");
    }

    @Override
    public String toString()
    {
        // never print the secret
        return "AccessKey[" + accessKeyId + ", account=" + account.accountId() + "]";
    }
}
