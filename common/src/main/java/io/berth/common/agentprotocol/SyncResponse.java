package io.berth.common.agentprotocol;

import java.util.List;

/**
 * The desired state for the host: every task it should hold, and the task network it is part of (null from a
 * control plane that gives it none: its tasks then get no network of their own). A task the agent holds that
 * is not listed here is to be stopped and cleaned up; a STOPPED report that the control plane has recorded is
 * dropped from this list, which tells the agent it may forget the task.
 */
public record SyncResponse(List<TaskAssignment> tasks, NetworkPlan network)
{
    public SyncResponse
    {
        tasks = List.copyOf(tasks);
    }

    /** Tasks only, with no network plan. */
    public SyncResponse(List<TaskAssignment> tasks)
    {
        this(tasks, null);
    }
}
