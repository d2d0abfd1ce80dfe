package io.berth.cli.commands;

import io.berth.cli.client.BerthClient;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the task a user means by the short id `berth ps` shows (any unambiguous prefix of a task id), as
 * docker does for container ids. Full ids and ARNs go to the API unchanged.
 */
final class TaskResolver
{
    /** ECS task ids are 32 hex digits. */
    static final int FULL_ID_LENGTH = 32;

    private TaskResolver() {}

    /** The full task id (or the ARN as given) of the task the reference names. */
    static String resolve(BerthClient client, Optional<String> cluster, TaskReference reference, String asTyped)
    {
        if (asTyped.strip().startsWith("arn:") || reference.taskId().length() >= FULL_ID_LENGTH) {
            return asTyped.strip();
        }
        Set<String> arns = new LinkedHashSet<>(TaskDescriptions.list(client, cluster, "RUNNING"));
        arns.addAll(TaskDescriptions.list(client, cluster, "STOPPED"));
        List<String> matches = arns.stream()
                .map(TaskReference::idOf)
                .filter(id -> id.startsWith(reference.taskId()))
                .distinct()
                .toList();
        if (matches.isEmpty()) {
            throw new CommandFailedException("no task " + reference.taskId() + cluster.map(name -> " in cluster " + name).orElse("")
                    + ": see `berth ps -a` for task ids");
        }
        if (matches.size() > 1) {
            throw new CommandFailedException("task id " + reference.taskId() + " is ambiguous (" + matches.size() + " tasks start with it): give more of it");
        }
        return matches.getFirst();
    }
}
