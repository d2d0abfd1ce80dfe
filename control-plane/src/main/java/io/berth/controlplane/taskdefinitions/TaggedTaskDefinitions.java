package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.isolation.TaskIsolation;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tagging.TaggedResources;

import java.util.List;
import java.util.Optional;

/**
 * The tags of task definition revisions (an ARN names family:revision), kept in the definition's body. A
 * berth:isolation tag set here applies to the tasks run from the revision afterwards, as one given at registration.
 */
public final class TaggedTaskDefinitions
        implements TaggedResources
{
    private static final String TYPE = "task-definition";

    @Override
    public String resourceType()
    {
        return TYPE;
    }

    @Override
    public Optional<List<Tag>> tags(StoreTransaction transaction, String accountId, String resourceArn)
    {
        return find(transaction, accountId, resourceArn).map(TaskDefinition::tags);
    }

    @Override
    public void replaceTags(StoreTransaction transaction, String accountId, String resourceArn, List<Tag> tags)
    {
        transaction.taskDefinitions().update(find(transaction, accountId, resourceArn).orElseThrow().withTags(tags));
    }

    @Override
    public void checkTags(List<Tag> tags)
    {
        TaskIsolation.checkTags(tags);
    }

    private static Optional<TaskDefinition> find(StoreTransaction transaction, String accountId, String resourceArn)
    {
        return Arns.resourceId(resourceArn, TYPE, accountId).flatMap(familyAndRevision -> {
            int colon = familyAndRevision.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            try {
                return transaction.taskDefinitions().find(accountId, familyAndRevision.substring(0, colon), Integer.parseInt(familyAndRevision.substring(colon + 1)));
            }
            catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
