package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.AwsLogsDestination;

import static java.util.Objects.requireNonNull;

/**
 * A container's awslogs options: the group its lines go to, the prefix of its stream's name, the region the
 * options name (null when left out) and whether the group is made when missing (awslogs-create-group "true").
 */
public record AwsLogsOptions(String group, String streamPrefix, String region, boolean createGroup)
{
    public AwsLogsOptions
    {
        requireNonNull(group, "group is null");
        requireNonNull(streamPrefix, "streamPrefix is null");
    }

    /** The stream of container in task taskId, as ECS names it. */
    public AwsLogsDestination destination(String container, String taskId)
    {
        return new AwsLogsDestination(group, AwsLogsDestination.streamName(streamPrefix, container, taskId), createGroup);
    }
}
