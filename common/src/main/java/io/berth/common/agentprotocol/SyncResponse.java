package io.berth.common.agentprotocol;

import java.util.List;
import java.util.Set;

/**
 * The desired state for the host: every task it should hold, and the task network it is part of (null from a
 * control plane that gives it none: its tasks then get no network of their own). A task the agent holds that
 * is not listed here is to be stopped and cleaned up; a STOPPED report that the control plane has recorded is
 * dropped from this list, which tells the agent it may forget the task. An ingress host (one whose request carried an
 * ingress report) also gets the load balancers it serves; every other host gets null there. controlPlanes lists the URLs
 * of every control-plane replica the agent may talk to (empty from an in-process link or an older control plane): an
 * agent whose control plane stops answering moves to the next.
 * <p>
 * For a delta sync (see {@link HeldState}): versions names the version of each part as the control plane has it now
 * (null: no versions, the agent is to hold none); unchanged lists the parts left out of this answer because the agent
 * holds them at that version ({@value #TASKS}, {@value #NETWORK}, {@value #INGRESS}; empty or missing: every part is
 * whole here); fullReportsWanted asks the agent to report every task next time (the control plane cannot tell what it
 * acknowledged before: a replica that has not had this host's full reports yet, or a host back from being lost).
 * endpointChanges, when present, says that the network part came without its endpoints and how they changed from the
 * list the agent named in {@link HeldState#endpoints()}. assignmentChanges, when present, says that the assignments
 * came as how they changed from the list the agent holds (tasks is then null); only to an agent that said it takes them
 * so ({@link HeldState#assignmentChanges()}). networkRestHeld says that the network part that changed came as its
 * endpoints' changes alone (network is then null): the rest of it is the one the agent holds; only to an agent that said
 * it takes it so ({@link HeldState#takesRestAsHeld()}).
 */
public record SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress, List<String> controlPlanes, PartVersions versions,
                           List<String> unchanged, boolean fullReportsWanted, EndpointChanges endpointChanges, AssignmentChanges assignmentChanges,
                           boolean networkRestHeld)
{
    public static final String TASKS = "tasks";
    public static final String NETWORK = "network";
    public static final String INGRESS = "ingress";
    private static final Set<String> PARTS = Set.of(TASKS, NETWORK, INGRESS);

    public SyncResponse
    {
        unchanged = unchanged == null ? List.of() : List.copyOf(unchanged);
        for (String part : unchanged) {
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("unchanged names an unknown part '" + part + "'; the parts are " + PARTS);
            }
        }
        if (!unchanged.isEmpty() && versions == null) {
            throw new IllegalArgumentException("an answer that leaves parts out (" + unchanged + ") must name their versions");
        }
        if (assignmentChanges != null && (versions == null || unchanged.contains(TASKS) || tasks != null)) {
            throw new IllegalArgumentException("an answer with assignment changes carries no task list, leaves none out as held, and names its versions");
        }
        // a task list left out is unknown here, not empty: only the holder of the previous answer can fill it in
        tasks = tasks == null && (unchanged.contains(TASKS) || assignmentChanges != null) ? null : List.copyOf(tasks == null ? List.of() : tasks);
        controlPlanes = controlPlanes == null ? List.of() : List.copyOf(controlPlanes);
        if (endpointChanges != null && network == null && !networkRestHeld) {
            throw new IllegalArgumentException("an answer with endpoint changes must carry the network part they belong to, or leave its rest out as held");
        }
        if (networkRestHeld && (network != null || endpointChanges == null)) {
            throw new IllegalArgumentException("an answer that leaves the network's rest out as held carries no network part and carries its endpoints' changes");
        }
    }

    public SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress, List<String> controlPlanes, PartVersions versions,
            List<String> unchanged, boolean fullReportsWanted, EndpointChanges endpointChanges)
    {
        this(tasks, network, ingress, controlPlanes, versions, unchanged, fullReportsWanted, endpointChanges, null, false);
    }

    public SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress, List<String> controlPlanes, PartVersions versions,
            List<String> unchanged, boolean fullReportsWanted)
    {
        this(tasks, network, ingress, controlPlanes, versions, unchanged, fullReportsWanted, null);
    }

    public SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress, List<String> controlPlanes)
    {
        this(tasks, network, ingress, controlPlanes, null, List.of(), false);
    }

    public SyncResponse(List<TaskAssignment> tasks, NetworkPlan network, IngressPlan ingress)
    {
        this(tasks, network, ingress, List.of());
    }

    /** This answer, telling the agent of these control-plane URLs. */
    public SyncResponse withControlPlanes(List<String> urls)
    {
        return new SyncResponse(tasks, network, ingress, urls, versions, unchanged, fullReportsWanted, endpointChanges, assignmentChanges, networkRestHeld);
    }

    /** This answer, asking (or not) for every task's report next time. */
    public SyncResponse withFullReportsWanted(boolean value)
    {
        return new SyncResponse(tasks, network, ingress, controlPlanes, versions, unchanged, value, endpointChanges, assignmentChanges, networkRestHeld);
    }

    /** This answer with its parts as given (null for a part left out), their versions, and which are left out. */
    public SyncResponse withParts(List<TaskAssignment> newTasks, NetworkPlan newNetwork, IngressPlan newIngress, PartVersions newVersions, List<String> newUnchanged)
    {
        return new SyncResponse(newTasks, newNetwork, newIngress, controlPlanes, newVersions, newUnchanged, fullReportsWanted, null);
    }

    /** This answer with its network part without endpoints, and how they changed from the list the agent holds. */
    public SyncResponse withEndpointChanges(NetworkPlan networkWithoutEndpoints, EndpointChanges changes)
    {
        return new SyncResponse(tasks, networkWithoutEndpoints, ingress, controlPlanes, versions, unchanged, fullReportsWanted, changes, assignmentChanges, false);
    }

    /** This answer with no network part but how its endpoints changed from the list the agent holds: the rest is the one it holds. */
    public SyncResponse withNetworkRestHeld(EndpointChanges changes)
    {
        return new SyncResponse(tasks, null, ingress, controlPlanes, versions, unchanged, fullReportsWanted, changes, assignmentChanges, true);
    }

    /** This answer with its assignments as how they changed from the list the agent holds, not as a list. */
    public SyncResponse withAssignmentChanges(AssignmentChanges changes)
    {
        return new SyncResponse(null, network, ingress, controlPlanes, versions, unchanged, fullReportsWanted, endpointChanges, changes, networkRestHeld);
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

    /**
     * The version of each part of an answer: a digest of the part's content (so any replica, before or after a restart,
     * gives one content the same version, and a different content another). The assignments' does not depend on their
     * order.
     */
    public record PartVersions(String assignments, String network, String ingress)
    {
        /** The version of the named part. */
        public String of(String part)
        {
            return switch (part) {
                case TASKS -> assignments;
                case NETWORK -> network;
                case INGRESS -> ingress;
                default -> throw new IllegalArgumentException("unknown part " + part);
            };
        }
    }
}
