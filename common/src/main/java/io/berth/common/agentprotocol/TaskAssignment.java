package io.berth.common.agentprotocol;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A task the control plane wants on a host, in the state it wants it. cpu is in ECS cpu units
 * (1024 = one vCPU), memory in MiB; both are the task-level limits.
 * clusterArn, taskDefinitionArn, availabilityZone and containerArns (container name to its ARN) are what the
 * task metadata endpoint shows a task of itself; they are null (empty) from a control plane that does not
 * send them. accountId names the account that owns the task: the host keeps tasks of different accounts apart
 * on its network (null from a control plane that does not send it). ephemeralStorageGiB is the size of the task's
 * writable storage, shared by all its containers' writable layers (null from a control plane that does not send
 * it: the host then gives {@link #DEFAULT_EPHEMERAL_STORAGE_GIB}). isolation is the tier the task's containers
 * run at ({@link IsolationTier#CONTAINER} from a control plane that does not send it). registryLogin is the
 * account's login to Berth's registry for this task's pulls (null when the control plane runs no registry); a new
 * one comes with every sync. secrets are the values of the containers' `secrets` and `repositoryCredentials`, resolved
 * for this task while it is still to start (null otherwise, and from a control plane that does not send them); the
 * agent keeps them in memory only.
 * credentials are the task's role credentials when it has a taskRoleArn (null
 * otherwise, and from a control plane that does not send them); every sync carries the current ones.
 */
public record TaskAssignment(
        String taskId,
        String taskArn,
        DesiredStatus desiredStatus,
        int cpu,
        int memoryMiB,
        List<ContainerSpec> containers,
        String clusterArn,
        String taskDefinitionArn,
        String availabilityZone,
        Map<String, String> containerArns,
        String accountId,
        Integer ephemeralStorageGiB,
        IsolationTier isolation,
        RegistryLogin registryLogin,
        TaskSecrets secrets,
        TaskRoleCredentials credentials)
{
    public enum DesiredStatus { RUNNING, STOPPED }

    /** Fargate's default task storage, in GiB. */
    public static final int DEFAULT_EPHEMERAL_STORAGE_GIB = 20;

    public TaskAssignment
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(taskArn, "taskArn is null");
        requireNonNull(desiredStatus, "desiredStatus is null");
        containers = List.copyOf(containers);
        containerArns = containerArns == null ? Map.of() : Map.copyOf(containerArns);
        if (ephemeralStorageGiB != null && ephemeralStorageGiB < 1) {
            throw new IllegalArgumentException("ephemeralStorageGiB must be positive: " + ephemeralStorageGiB);
        }
        isolation = isolation == null ? IsolationTier.CONTAINER : isolation;
    }

    /** As before secrets and role credentials were carried: none. */
    public TaskAssignment(String taskId, String taskArn, DesiredStatus desiredStatus, int cpu, int memoryMiB, List<ContainerSpec> containers,
            String clusterArn, String taskDefinitionArn, String availabilityZone, Map<String, String> containerArns, String accountId,
            Integer ephemeralStorageGiB, IsolationTier isolation, RegistryLogin registryLogin)
    {
        this(taskId, taskArn, desiredStatus, cpu, memoryMiB, containers, clusterArn, taskDefinitionArn, availabilityZone, containerArns, accountId,
                ephemeralStorageGiB, isolation, registryLogin, null, null);
    }

    /**
     * This assignment without its secrets' values, what the agent may keep on disk: secrets becomes
     * {@link TaskSecrets#NONE} (still telling that the task has secrets, whose values live in memory only).
     */
    public TaskAssignment withoutSecrets()
    {
        return secrets == null ? this : new TaskAssignment(taskId, taskArn, desiredStatus, cpu, memoryMiB, containers, clusterArn, taskDefinitionArn,
                availabilityZone, containerArns, accountId, ephemeralStorageGiB, isolation, registryLogin, TaskSecrets.NONE, credentials);
    }

    /** An assignment with the default task storage, at the container tier, without a registry login. */
    public TaskAssignment(String taskId, String taskArn, DesiredStatus desiredStatus, int cpu, int memoryMiB, List<ContainerSpec> containers,
            String clusterArn, String taskDefinitionArn, String availabilityZone, Map<String, String> containerArns, String accountId)
    {
        this(taskId, taskArn, desiredStatus, cpu, memoryMiB, containers, clusterArn, taskDefinitionArn, availabilityZone, containerArns, accountId, null,
                IsolationTier.CONTAINER, null, null, null);
    }

    /** The size of the task's writable storage in GiB: the control plane's, else the default. */
    public int ephemeralStorageSizeGiB()
    {
        return ephemeralStorageGiB == null ? DEFAULT_EPHEMERAL_STORAGE_GIB : ephemeralStorageGiB;
    }

    /** An assignment without the task's identity beyond its ARN. */
    public TaskAssignment(String taskId, String taskArn, DesiredStatus desiredStatus, int cpu, int memoryMiB, List<ContainerSpec> containers)
    {
        this(taskId, taskArn, desiredStatus, cpu, memoryMiB, containers, null, null, null, Map.of(), null, null, IsolationTier.CONTAINER, null, null, null);
    }
}
