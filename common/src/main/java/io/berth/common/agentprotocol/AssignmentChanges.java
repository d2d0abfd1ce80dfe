package io.berth.common.agentprotocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How a host's assignments changed from the list the agent holds to the one the control plane has now: the assignments
 * that came or changed, and the tasks that went. A host holding fifty tasks had the fifty sent again each time one of
 * them started, went RUNNING or was stopped (31 KB a sync in the scale benchmark, docs/benchmarks.md); with this, such a
 * sync carries the one that changed.
 * <p>
 * The control plane sends changes only from the list it last answered the host (it keeps that list), and only when the
 * agent names that list's version as held, so applying them to the list held gives the list at {@link #version}. The
 * order of the list held is kept (a changed assignment stays where it was, a new one goes at the end): an assignments
 * version does not depend on the order (see the control plane's SyncAnswerParts).
 *
 * @param base the version of the list the changes apply to
 * @param version the version of the list they give
 * @param changed assignments new to the list or different from the held one of the same task
 * @param removed ids of held tasks that are not in the list at version
 */
public record AssignmentChanges(String base, String version, List<TaskAssignment> changed, List<String> removed)
{
    public AssignmentChanges
    {
        requireNonNull(base, "base is null");
        requireNonNull(version, "version is null");
        changed = changed == null ? List.of() : List.copyOf(changed);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }

    /**
     * The list at {@link #version} made from held, the list at heldVersion; empty when held is not the list at
     * {@link #base} or does not take these changes (a task to remove that it does not hold, a task twice), in which case
     * the caller has the whole list sent.
     */
    public Optional<List<TaskAssignment>> applyTo(List<TaskAssignment> held, String heldVersion)
    {
        requireNonNull(held, "held is null");
        if (!base.equals(heldVersion)) {
            return Optional.empty();
        }
        Map<String, TaskAssignment> byTask = new HashMap<>();
        for (TaskAssignment assignment : changed) {
            if (byTask.put(assignment.taskId(), assignment) != null) {
                return Optional.empty();
            }
        }
        Set<String> gone = new HashSet<>(removed);
        if (gone.size() != removed.size()) {
            return Optional.empty();
        }
        List<TaskAssignment> made = new ArrayList<>(held.size() + changed.size());
        Set<String> seen = new HashSet<>();
        for (TaskAssignment assignment : held) {
            if (!seen.add(assignment.taskId())) {
                return Optional.empty();
            }
            if (gone.remove(assignment.taskId())) {
                if (byTask.containsKey(assignment.taskId())) {
                    // both removed and changed: the changes contradict themselves
                    return Optional.empty();
                }
                continue;
            }
            TaskAssignment replaced = byTask.remove(assignment.taskId());
            made.add(replaced == null ? assignment : replaced);
        }
        if (!gone.isEmpty()) {
            return Optional.empty();
        }
        // what is left came new: in the order the control plane has it
        for (TaskAssignment assignment : changed) {
            if (byTask.containsKey(assignment.taskId())) {
                made.add(assignment);
            }
        }
        return Optional.of(List.copyOf(made));
    }
}
