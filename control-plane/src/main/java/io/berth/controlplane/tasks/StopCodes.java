package io.berth.controlplane.tasks;

/** The stopCode values ECS uses. */
public final class StopCodes
{
    public static final String TASK_FAILED_TO_START = "TaskFailedToStart";
    public static final String ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited";
    public static final String USER_INITIATED = "UserInitiated";
    public static final String SERVICE_SCHEDULER_INITIATED = "ServiceSchedulerInitiated";
    /** A FARGATE_SPOT task whose capacity was taken back (for on-demand tasks, or by the operator). */
    public static final String SPOT_INTERRUPTION = "SpotInterruption";

    private StopCodes() {}
}
