package io.berth.cli.commands;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A task as a user names it: a task id or a task ARN (arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID). The ARN
 * also names the cluster.
 */
public record TaskReference(String taskId, Optional<String> cluster)
{
    public TaskReference
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(cluster, "cluster is null");
    }

    public static TaskReference parse(String value)
    {
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new CommandFailedException("task must not be empty: give a task id or ARN (see `berth ps`)");
        }
        if (!trimmed.startsWith("arn:")) {
            return new TaskReference(trimmed, Optional.empty());
        }
        int resource = trimmed.indexOf(":task/");
        if (resource < 0) {
            throw new CommandFailedException("'" + value + "' is not a task ARN: expected arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID");
        }
        String[] parts = trimmed.substring(resource + ":task/".length()).split("/");
        return parts.length >= 2
                ? new TaskReference(parts[parts.length - 1], Optional.of(parts[0]))
                : new TaskReference(parts[0], Optional.empty());
    }

    /** The task id of an ARN, or the value itself. */
    public static String idOf(String taskArnOrId)
    {
        return taskArnOrId.substring(taskArnOrId.lastIndexOf('/') + 1);
    }

    /** The first 12 characters of the id, like docker's short container ids. */
    public static String shortId(String taskArnOrId)
    {
        String id = idOf(taskArnOrId);
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
