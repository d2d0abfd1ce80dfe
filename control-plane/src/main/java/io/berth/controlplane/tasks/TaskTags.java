package io.berth.controlplane.tasks;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.resources.TagRules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tags a new task gets, as ECS gives them: its own (checked with ECS's tag rules), then, with propagateTags
 * TASK_DEFINITION, the task definition's on keys the task does not set itself, then, with enableECSManagedTags,
 * ECS's managed tag {@value #CLUSTER_NAME_TAG} (a standalone task has no service, so no aws:ecs:serviceName).
 */
public final class TaskTags
{
    public static final String CLUSTER_NAME_TAG = "aws:ecs:clusterName";
    private static final String BERTH_PREFIX = "berth:";

    private TaskTags() {}

    /** Throws InvalidRequestException for tags or a propagateTags value Berth cannot honour; checks need no store. */
    public static void check(TaskTagging tagging)
    {
        TagRules.check(tagging.tags());
        for (Tag tag : tagging.tags()) {
            // berth:isolation is read from the task definition; on a task it would be a tag Berth does not act on
            if (tag.key().toLowerCase(Locale.ROOT).startsWith(BERTH_PREFIX)) {
                throw InvalidRequestException.invalidValue("Invalid tag key '" + tag.key() + "' in RunTask tags: keys that start with '" + BERTH_PREFIX
                        + "' are reserved for Berth; set berth:isolation on the task definition.");
            }
        }
        String propagate = tagging.propagateTags();
        if (propagate == null || propagate.equals("NONE") || propagate.equals("TASK_DEFINITION")) {
            return;
        }
        if (propagate.equals("SERVICE")) {
            throw InvalidRequestException.invalidValue("propagateTags SERVICE is not supported for RunTask: a task it starts belongs to no service. "
                    + "Use TASK_DEFINITION or NONE.");
        }
        throw InvalidRequestException.invalidValue("Invalid propagateTags '" + propagate + "': use TASK_DEFINITION or NONE.");
    }

    /** The task's tags; call {@link #check} first. */
    public static List<Tag> of(TaskTagging tagging, List<Tag> taskDefinitionTags, String clusterName)
    {
        Map<String, Tag> byKey = new LinkedHashMap<>();
        tagging.tags().forEach(tag -> byKey.put(tag.key(), tag));
        if ("TASK_DEFINITION".equals(tagging.propagateTags())) {
            taskDefinitionTags.forEach(tag -> byKey.putIfAbsent(tag.key(), tag));
        }
        List<Tag> tags = new ArrayList<>(byKey.values());
        // ECS's limit of 50 holds for the tags the user set or copied; its own aws: tags do not count against it
        TagRules.check(tags);
        if (tagging.managedTags()) {
            tags.add(new Tag(CLUSTER_NAME_TAG, clusterName));
        }
        return List.copyOf(tags);
    }
}
