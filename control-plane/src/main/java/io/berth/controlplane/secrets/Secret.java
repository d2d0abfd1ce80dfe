package io.berth.controlplane.secrets;

import io.berth.controlplane.resources.Tag;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A Secrets Manager secret of one account (its values are {@link SecretVersion}s). deletedAt is when DeleteSecret
 * scheduled it for deletion and deletionDate when it goes for good; both null while the secret is live.
 */
public record Secret(
        String accountId,
        String name,
        String arn,
        String description,
        List<Tag> tags,
        Instant createdAt,
        Instant lastChangedAt,
        Instant deletedAt,
        Instant deletionDate)
{
    public Secret
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        tags = tags == null ? List.of() : List.copyOf(tags);
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(lastChangedAt, "lastChangedAt is null");
    }

    public boolean scheduledForDeletion()
    {
        return deletedAt != null;
    }

    public Secret changed(Instant now)
    {
        return new Secret(accountId, name, arn, description, tags, createdAt, now, deletedAt, deletionDate);
    }

    public Secret scheduledForDeletion(Instant now, Instant until)
    {
        return new Secret(accountId, name, arn, description, tags, createdAt, now, now, until);
    }

    /** RestoreSecret: live again, its deletion cancelled. */
    public Secret restored(Instant now)
    {
        return new Secret(accountId, name, arn, description, tags, createdAt, now, null, null);
    }

    public Secret withDescription(String value, Instant now)
    {
        return new Secret(accountId, name, arn, value, tags, createdAt, now, deletedAt, deletionDate);
    }

    public Secret withTags(List<Tag> value, Instant now)
    {
        return new Secret(accountId, name, arn, description, value, createdAt, now, deletedAt, deletionDate);
    }
}
