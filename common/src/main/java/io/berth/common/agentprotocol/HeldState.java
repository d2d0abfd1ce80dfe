package io.berth.common.agentprotocol;

import java.util.List;

/**
 * What an agent says it already holds, so that a sync carries only what changed. Every field may be missing, and a
 * missing one means "send it whole":
 * <ul>
 * <li>taskIds: every task the host holds. With it, the request's reports are only those that changed since the last
 * report the control plane acknowledged (answered); without it, they are every task's.</li>
 * <li>assignments, network, ingress: the version (see {@link SyncResponse.PartVersions}) of each part of the last answer
 * the agent holds. The control plane leaves a part out of its answer (and lists it in
 * {@link SyncResponse#unchanged()}) only when its version now is the one named here.</li>
 * <li>endpoints: the version of the endpoint list of the network part held ({@link EndpointChanges#versionOf}). A
 * network part that changed may then come without its endpoints and with how they changed from that list
 * ({@link SyncResponse#endpointChanges()}).</li>
 * <li>assignmentChanges: true when the agent takes changed assignments as their changes from the list it holds at
 * assignments ({@link SyncResponse#assignmentChanges()}); an agent of a build from before leaves it out (false) and gets
 * the whole list.</li>
 * <li>takesRestAsHeld: true when the agent takes a network part that changed only in its endpoints as their changes
 * alone, the rest of it (peers, egress) left out as held ({@link SyncResponse#networkRestHeld()}), as a fetch with
 * {@code &rest=1} does.</li>
 * </ul>
 */
public record HeldState(List<String> taskIds, String assignments, String network, String ingress, String endpoints, boolean assignmentChanges,
                        boolean takesRestAsHeld)
{
    public HeldState
    {
        taskIds = taskIds == null ? null : List.copyOf(taskIds);
    }

    /** What an agent of a build from before named: it takes no changes. */
    public HeldState(List<String> taskIds, String assignments, String network, String ingress, String endpoints)
    {
        this(taskIds, assignments, network, ingress, endpoints, false, false);
    }

    public HeldState(List<String> taskIds, String assignments, String network, String ingress)
    {
        this(taskIds, assignments, network, ingress, null);
    }
}
