package io.berth.controlplane.events;

/** What a control-plane decision was about. Host events have no account: only the operator sees them. */
public enum EventType
{
    /** A task got a host. */
    TASK_PLACED,
    /** A task fits on no host yet and waits (recorded once, at its first failed attempt). */
    TASK_WAITING,
    /** A task was told to stop: by its owner (StopTask), its service, a drain deadline. */
    TASK_STOP_REQUESTED,
    /** A task reached STOPPED, with its stop code and reason. */
    TASK_STOPPED,
    HOST_CORDONED,
    HOST_UNCORDONED,
    HOST_DRAINING,
    /** A draining host holds no task any more and stays cordoned. */
    HOST_DRAINED,
    HOST_LOST,
    HOST_REMOVED,
    /** A control-plane replica took the controllers' lease: it now places tasks, marks hosts lost, runs services. */
    LEADER_ELECTED,
    /** The leader gave the lease up (it shut down), so another replica takes over at once. */
    LEADER_RESIGNED,
    /** A patch run's turn came to a host: it is drained (see `berth host patch`). */
    HOST_PATCH_STARTED,
    /** The patch command was started on a host's agent. */
    HOST_PATCH_COMMAND_STARTED,
    /** The patch command on a host ended (or, with --reboot, the host came back), with its output's end. */
    HOST_PATCH_COMMAND_ENDED,
    /** A host was patched, heartbeat after it and is back in service. */
    HOST_PATCHED,
    /** A host's patch failed, and why; it stays cordoned and the run stops. */
    HOST_PATCH_FAILED,
    /** The operator started a patch run. */
    PATCH_STARTED,
    /** Every host of a patch run was patched. */
    PATCH_COMPLETED,
    /** A patch run stopped at a host that failed. */
    PATCH_FAILED,
    /** A service's own event: tasks started or stopped, a deployment begun, completed or rolled back, steady state. */
    SERVICE
}
