package io.berth.controlplane.tagging;

import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.StoreTransaction;

import java.util.List;
import java.util.Optional;

/**
 * The resources of one ARN resource type (cluster, task-definition, task, service...) as far as tagging goes:
 * reading and replacing their tags inside the caller's transaction. A new taggable type is one more implementation
 * given to {@link ResourceTagging}.
 */
public interface TaggedResources
{
    /** The resource type as it appears in the ARN: "cluster" in arn:aws:ecs:REGION:ACCOUNT:cluster/NAME. */
    String resourceType();

    /** The resource's tags, or empty when the account has no resource of that ARN. */
    Optional<List<Tag>> tags(StoreTransaction transaction, String accountId, String resourceArn);

    /** Replaces the tags of a resource that {@link #tags} found. */
    void replaceTags(StoreTransaction transaction, String accountId, String resourceArn, List<Tag> tags);

    /** Throws InvalidRequestException for tags this type cannot carry beyond ECS's rules (Berth's reserved keys). */
    default void checkTags(List<Tag> tags) {}
}
