package io.berth.controlplane.tasks;

import io.berth.controlplane.resources.Tag;

import java.util.List;

/**
 * What RunTask says about the tags of its tasks: the task's own tags, whether to copy the task definition's
 * ({@code propagateTags}: TASK_DEFINITION, NONE, or null for none) and whether ECS's managed tags are added
 * ({@code enableECSManagedTags}). {@link TaskTags} checks and applies it.
 */
public record TaskTagging(List<Tag> tags, String propagateTags, boolean managedTags)
{
    public static final TaskTagging NONE = new TaskTagging(List.of(), null, false);

    public TaskTagging
    {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
