package io.berth.common.agentprotocol;

import java.util.List;

/**
 * The desired state for the host: every task it should hold, and the task network it is part of (null from a
 * control plane that gives it none: its tasks then get no network of their own). A task the agent holds that
 * is not listed here is to be stopped and cleaned up; a STOPPED report that the control plane has recorded is
 * dropped from this list, which tells the agent it may forget the task. An ingress host (one whose request carried an
 * ingress report) also gets the load balancers it serves; every other host gets null there. controlPlanes lists the URLs
 * of every control-plane replica the agent may talk to (empty from an in-process link or an older control plane): an
 * agent whose control plane stops answering moves to the next.
 */
public record SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress, List<String> controlPlanes)
{
    public SyncResponse
    {
        tasks = List.copyOf(tasks);
        controlPlanes = controlPlanes == null ? List.of() : List.copyOf(controlPlanes);
    }

    public SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress)
    {
        this(tasks, network, ingress, List.of());
    }

    /** This answer, telling the agent of these control-plane URLs. */
    public SyncResponse withControlPlanes(List<String> urls)
    {
        return new SyncResponse(tasks, network, ingress, urls);
    }

    public SyncResponse(List<TaskAssignment> tasks, NetworkPlan network)
    {
        this(tasks, network, null);
    }

    /** Tasks only, with no network plan. */
    public SyncResponse(List<TaskAssignment> tasks)
    {
        this(tasks, null);
    }
}
