package io.berth.controlplane.tasks;

/** ListTasks filters; null family or startedBy match every task. desiredStatus defaults to RUNNING, as in ECS. */
public record TaskListFilter(String cluster, String family, String startedBy, TaskStatus desiredStatus)
{
    public TaskListFilter
    {
        desiredStatus = desiredStatus == null ? TaskStatus.RUNNING : desiredStatus;
    }
}
