package io.berth.controlplane.tasks;

import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tagging.TaggedResources;

import java.util.List;
import java.util.Optional;

/**
 * The tags of tasks, kept in the task's body; a stopped task that is still describable can be tagged, as in ECS.
 * Berth's own berth: keys are refused, as RunTask refuses them.
 */
public final class TaggedTasks
        implements TaggedResources
{
    private static final String TYPE = "task";

    @Override
    public String resourceType()
    {
        return TYPE;
    }

    @Override
    public Optional<List<Tag>> tags(StoreTransaction transaction, String accountId, String resourceArn)
    {
        return find(transaction, accountId, resourceArn).map(Task::tags);
    }

    @Override
    public void replaceTags(StoreTransaction transaction, String accountId, String resourceArn, List<Tag> tags)
    {
        Task task = find(transaction, accountId, resourceArn).orElseThrow();
        transaction.tasks().updateIfChanged(task, task.withTags(tags));
        // the bill groups by the tags a task has now, also once the task itself is forgotten
        transaction.taskUsage().setTags(task.taskId(), tags);
    }

    @Override
    public void checkTags(List<Tag> tags)
    {
        TaskTags.check(new TaskTagging(tags, null, false));
    }

    private static Optional<Task> find(StoreTransaction transaction, String accountId, String resourceArn)
    {
        // task/CLUSTER/ID: the id is unique, and the cluster must be the task's
        return Arns.resourceId(resourceArn, TYPE, accountId).flatMap(resource -> {
            int slash = resource.lastIndexOf('/');
            String taskId = resource.substring(slash + 1);
            return transaction.tasks().find(accountId, taskId)
                    .filter(task -> slash < 0 || task.clusterName().equals(resource.substring(0, slash)));
        });
    }
}
