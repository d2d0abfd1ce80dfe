package io.berth.agent.metadata;

import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskRoleCredentials;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest role credentials of each task on this host, from the control plane's last answer: each sync brings the
 * current keys, so the endpoint serves refreshed ones before the old expire. Kept in memory only; until the first
 * answer after an agent restart, a task's own record (the keys it was assigned with) stands in. A task the control
 * plane sends without keys (it has stopped) has none from then on.
 */
public final class TaskRoleCredentialsCache
{
    private final Map<String, Optional<TaskRoleCredentials>> byTask = new ConcurrentHashMap<>();

    /** Takes the keys of every task in the control plane's answer, and forgets the tasks not in it. */
    public void update(List<TaskAssignment> assignments)
    {
        Set<String> assigned = new HashSet<>();
        for (TaskAssignment assignment : assignments) {
            assigned.add(assignment.taskId());
            byTask.put(assignment.taskId(), Optional.ofNullable(assignment.credentials()));
        }
        byTask.keySet().retainAll(assigned);
    }

    /** The task's newest keys; empty when it has no role, or no longer has keys. */
    public Optional<TaskRoleCredentials> current(TaskRecord task)
    {
        Optional<TaskRoleCredentials> latest = byTask.get(task.taskId());
        return latest != null ? latest : Optional.ofNullable(task.assignment().credentials());
    }
}
