package io.berth.controlplane.tagging;

import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * ListTagsForResource, TagResource and UntagResource over every taggable resource type, chosen by the ARN's
 * resource type. An ARN of another account is not found, as any resource of it is.
 */
public final class ResourceTagging
{
    private static final Logger log = LoggerFactory.getLogger(ResourceTagging.class);

    private final Store store;
    private final Map<String, TaggedResources> byType;

    public ResourceTagging(Store store, List<TaggedResources> resources)
    {
        this.store = requireNonNull(store, "store is null");
        this.byType = resources.stream().collect(Collectors.toUnmodifiableMap(TaggedResources::resourceType, Function.identity()));
    }

    public List<Tag> list(String accountId, String resourceArn)
    {
        TaggedResources resources = resources(resourceArn);
        return store.inTransaction(transaction -> current(transaction, resources, accountId, resourceArn));
    }

    public void tag(String accountId, String resourceArn, List<Tag> tags)
    {
        TaggedResources resources = resources(resourceArn);
        resources.checkTags(tags);
        store.useTransaction(transaction -> {
            List<Tag> current = current(transaction, resources, accountId, resourceArn);
            resources.replaceTags(transaction, accountId, resourceArn, TagChanges.tag(current, tags));
        });
        log.info("Tagged {} of account {} with keys {}", resourceArn, accountId, tags.stream().map(Tag::key).toList());
    }

    public void untag(String accountId, String resourceArn, Collection<String> keys)
    {
        TaggedResources resources = resources(resourceArn);
        store.useTransaction(transaction -> {
            List<Tag> current = current(transaction, resources, accountId, resourceArn);
            resources.replaceTags(transaction, accountId, resourceArn, TagChanges.untag(current, keys));
        });
        log.info("Untagged keys {} of {} of account {}", keys, resourceArn, accountId);
    }

    private TaggedResources resources(String resourceArn)
    {
        if (resourceArn == null || resourceArn.isEmpty()) {
            throw InvalidRequestException.invalidValue("resourceArn is required: give the ARN of a " + typeList() + ".");
        }
        Arns.Arn arn = Arns.parse(resourceArn)
                .orElseThrow(() -> InvalidRequestException.invalidValue("Invalid resourceArn '" + resourceArn + "': give the ARN of a " + typeList() + "."));
        TaggedResources resources = byType.get(arn.resourceType());
        if (resources == null) {
            throw InvalidRequestException.invalidValue("Resource type '" + arn.resourceType() + "' of " + resourceArn
                    + " cannot be tagged in Berth; give the ARN of a " + typeList() + ".");
        }
        return resources;
    }

    private static List<Tag> current(StoreTransaction transaction, TaggedResources resources, String accountId, String resourceArn)
    {
        boolean ownAccount = Arns.parse(resourceArn).map(arn -> arn.accountId().equals(accountId)).orElse(false);
        return (ownAccount ? resources.tags(transaction, accountId, resourceArn) : Optional.<List<Tag>>empty())
                .orElseThrow(() -> InvalidRequestException.invalidValue("The specified resource was not found: " + resourceArn + "."));
    }

    private String typeList()
    {
        return String.join(", ", new TreeSet<>(byType.keySet()));
    }
}
