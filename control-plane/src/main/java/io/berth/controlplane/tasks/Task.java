package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A task of one account: what RunTask fixed at creation (ids, size, overrides) and its changing
 * {@link TaskState}. cpu is in ECS units, memory in MiB; ephemeralStorage is the writable storage the task gets
 * (the definition's or the override's). isolation is the tier its containers run at, fixed at creation (container
 * for a task stored before tiers existed). tags are the task's ECS tags, fixed at creation by {@link TaskTags} (none for a
 * task stored before tasks had tags). taskRoleArn is the IAM role the task's containers get credentials for (the
 * override's, else the definition's; null for none, and for a task stored before task credentials existed).
 * capacityProviderName is the capacity provider a strategy put it on (FARGATE or FARGATE_SPOT); null for a task run
 * with launchType FARGATE (as ECS shows none then), which is on-demand.
 */
public record Task(
        String accountId,
        String taskId,
        String arn,
        String clusterName,
        String clusterArn,
        String taskDefinitionArn,
        String family,
        int cpu,
        int memory,
        TaskOverrides overrides,
        String startedBy,
        String group,
        String launchType,
        String platformVersion,
        String availabilityZone,
        Map<String, Object> networkConfiguration,
        Instant createdAt,
        TaskState state,
        PlacementOptions placement,
        EphemeralStorage ephemeralStorage,
        IsolationTier isolation,
        List<Tag> tags,
        String taskRoleArn,
        String capacityProviderName)
{
    public Task
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(clusterName, "clusterName is null");
        requireNonNull(clusterArn, "clusterArn is null");
        requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
        requireNonNull(family, "family is null");
        overrides = overrides == null ? TaskOverrides.NONE : overrides;
        networkConfiguration = networkConfiguration == null ? Map.of() : Map.copyOf(networkConfiguration);
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(state, "state is null");
        placement = placement == null ? PlacementOptions.NONE : placement;
        // tasks stored before tasks had their own size got the default
        ephemeralStorage = ephemeralStorage == null ? EphemeralStorage.DEFAULT : ephemeralStorage;
        isolation = isolation == null ? IsolationTier.CONTAINER : isolation;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A task run with a launch type (no capacity provider). */
    public Task(String accountId, String taskId, String arn, String clusterName, String clusterArn, String taskDefinitionArn, String family, int cpu,
            int memory, TaskOverrides overrides, String startedBy, String group, String launchType, String platformVersion, String availabilityZone,
            Map<String, Object> networkConfiguration, Instant createdAt, TaskState state, PlacementOptions placement, EphemeralStorage ephemeralStorage,
            IsolationTier isolation, List<Tag> tags, String taskRoleArn)
    {
        this(accountId, taskId, arn, clusterName, clusterArn, taskDefinitionArn, family, cpu, memory, overrides, startedBy, group, launchType,
                platformVersion, availabilityZone, networkConfiguration, createdAt, state, placement, ephemeralStorage, isolation, tags, taskRoleArn, null);
    }

    /** Whether the task runs on interruptible spot capacity. */
    public boolean spot()
    {
        return "FARGATE_SPOT".equals(capacityProviderName);
    }

    /**
     * The task's address in the cluster's task network with its account: what every host's network plan lists. Empty
     * until the task is placed and reported an address, and once it is STOPPED.
     */
    public Optional<TaskEndpoint> endpoint()
    {
        NetworkReport network = state.network();
        if (state.hostId() == null || state.lastStatus() == TaskStatus.STOPPED || network == null || network.privateIPv4Address() == null) {
            return Optional.empty();
        }
        return Optional.of(new TaskEndpoint(network.privateIPv4Address(), accountId));
    }

    /** A task without a task role. */
    public Task(String accountId, String taskId, String arn, String clusterName, String clusterArn, String taskDefinitionArn, String family, int cpu,
            int memory, TaskOverrides overrides, String startedBy, String group, String launchType, String platformVersion, String availabilityZone,
            Map<String, Object> networkConfiguration, Instant createdAt, TaskState state, PlacementOptions placement, EphemeralStorage ephemeralStorage,
            IsolationTier isolation, List<Tag> tags)
    {
        this(accountId, taskId, arn, clusterName, clusterArn, taskDefinitionArn, family, cpu, memory, overrides, startedBy, group, launchType,
                platformVersion, availabilityZone, networkConfiguration, createdAt, state, placement, ephemeralStorage, isolation, tags, null);
    }

    /** A task without tags. */
    public Task(String accountId, String taskId, String arn, String clusterName, String clusterArn, String taskDefinitionArn, String family, int cpu,
            int memory, TaskOverrides overrides, String startedBy, String group, String launchType, String platformVersion, String availabilityZone,
            Map<String, Object> networkConfiguration, Instant createdAt, TaskState state, PlacementOptions placement, EphemeralStorage ephemeralStorage,
            IsolationTier isolation)
    {
        this(accountId, taskId, arn, clusterName, clusterArn, taskDefinitionArn, family, cpu, memory, overrides, startedBy, group, launchType,
                platformVersion, availabilityZone, networkConfiguration, createdAt, state, placement, ephemeralStorage, isolation, List.of());
    }

    /** A task with the default ephemeral storage, at the container tier. */
    public Task(String accountId, String taskId, String arn, String clusterName, String clusterArn, String taskDefinitionArn, String family, int cpu,
            int memory, TaskOverrides overrides, String startedBy, String group, String launchType, String platformVersion, String availabilityZone,
            Map<String, Object> networkConfiguration, Instant createdAt, TaskState state, PlacementOptions placement)
    {
        this(accountId, taskId, arn, clusterName, clusterArn, taskDefinitionArn, family, cpu, memory, overrides, startedBy, group, launchType,
                platformVersion, availabilityZone, networkConfiguration, createdAt, state, placement, EphemeralStorage.DEFAULT, IsolationTier.CONTAINER,
                List.of());
    }

    public Task withTags(List<Tag> value)
    {
        return new Task(accountId, taskId, arn, clusterName, clusterArn, taskDefinitionArn, family, cpu, memory, overrides, startedBy, group,
                launchType, platformVersion, availabilityZone, networkConfiguration, createdAt, state, placement, ephemeralStorage, isolation,
                value, taskRoleArn, capacityProviderName);
    }

    public Task withState(TaskState newState)
    {
        return new Task(accountId, taskId, arn, clusterName, clusterArn, taskDefinitionArn, family, cpu, memory, overrides, startedBy, group,
                launchType, platformVersion, availabilityZone, networkConfiguration, createdAt, newState, placement, ephemeralStorage, isolation,
                tags, taskRoleArn, capacityProviderName);
    }
}
