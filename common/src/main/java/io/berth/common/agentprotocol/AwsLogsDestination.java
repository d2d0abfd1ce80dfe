package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * Where the lines of a container with the awslogs log driver go: the CloudWatch Logs group and stream of the task's
 * account (the stream is PREFIX/CONTAINER/TASK_ID, as ECS names it). The agent only needs to know that a container
 * has one, to ship its lines; the control plane reads the group and stream from its own record of the task, so an
 * agent cannot write into a group that is not the task's. createGroup (awslogs-create-group) makes the group when
 * the task starts if it does not exist yet; without it a missing group stops the task.
 */
public record AwsLogsDestination(String group, String stream, boolean createGroup)
{
    public AwsLogsDestination
    {
        requireNonNull(group, "group is null");
        requireNonNull(stream, "stream is null");
    }

    /** ECS's stream name for a container of a task: awslogs-stream-prefix/container-name/task-id. */
    public static String streamName(String prefix, String container, String taskId)
    {
        return prefix + "/" + container + "/" + taskId;
    }
}
