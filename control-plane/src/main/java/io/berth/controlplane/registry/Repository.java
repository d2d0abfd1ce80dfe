package io.berth.controlplane.registry;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A repository of one account. Its images live in the registry under {@link #path()}; publicRead (set by the
 * operator) lets every account pull them, while only the owner pushes.
 */
public record Repository(String accountId, String name, Instant createdAt, boolean publicRead)
{
    public Repository
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    /** Where the registry keeps it: the account id, then the name, so two accounts' same-named repositories stay apart. */
    public String path()
    {
        return accountId + "/" + name;
    }

    public String arn(String region)
    {
        return "arn:aws:ecr:" + region + ":" + accountId + ":repository/" + name;
    }

    public Repository withPublicRead(boolean value)
    {
        return new Repository(accountId, name, createdAt, value);
    }
}
