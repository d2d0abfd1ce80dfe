package io.berth.controlplane.tasks;

/**
 * ListTasks filters; null family, startedBy or serviceName match every task. desiredStatus defaults to RUNNING, as in
 * ECS. serviceName matches the tasks of that service (group service:NAME).
 */
public record TaskListFilter(String cluster, String family, String startedBy, TaskStatus desiredStatus, String serviceName)
{
    public TaskListFilter(String cluster, String family, String startedBy, TaskStatus desiredStatus)
    {
        this(cluster, family, startedBy, desiredStatus, null);
    }

    public TaskListFilter
    {
        desiredStatus = desiredStatus == null ? TaskStatus.RUNNING : desiredStatus;
    }
}
