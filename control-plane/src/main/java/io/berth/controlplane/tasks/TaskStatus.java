package io.berth.controlplane.tasks;

/** ECS task and container statuses, in lifecycle order: a task only ever moves forward in this list. */
public enum TaskStatus
{
    PROVISIONING,
    PENDING,
    ACTIVATING,
    RUNNING,
    DEACTIVATING,
    STOPPING,
    DEPROVISIONING,
    STOPPED;

    public boolean isBefore(TaskStatus other)
    {
        return ordinal() < other.ordinal();
    }

    public static TaskStatus later(TaskStatus first, TaskStatus second)
    {
        return first.isBefore(second) ? second : first;
    }
}
