package io.berth.controlplane.store;

import io.berth.controlplane.tasks.Task;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks read lately, each as of its version: every sync reads every placed task (for the task network's endpoints)
 * and the host's own, and parsing their JSON bodies again was most of a sync's cost (measured with a simulated fleet,
 * docs/benchmarks.md). A row whose version matches the cached task is not parsed; its body is not even decoded. Tasks
 * are immutable values, and every write of a task bumps its version, so a cached task is never served stale. Bounded:
 * past {@value #MAX_TASKS} tasks the cache starts afresh (tasks long stopped would otherwise stay in it).
 */
final class TaskBodyCache
{
    static final int MAX_TASKS = 100_000;

    /** The body of the row being read, decoded only when needed. */
    @FunctionalInterface
    interface Body
    {
        String read()
                throws SQLException;
    }

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    /** The task as cached at exactly this version; null when it is not. */
    Task cached(String taskId, long version)
    {
        Task cached = tasks.get(taskId);
        return cached != null && cached.state().version() == version ? cached : null;
    }

    /**
     * A task as a transaction that committed wrote it: its body at its version is what a read would parse (tasks are
     * records, and their JSON keeps every field). Kept unless the cache holds a later version already; a write that
     * rolled back never comes here, as another write may then take its version with other content.
     */
    void committed(Task task)
    {
        if (tasks.size() >= MAX_TASKS) {
            tasks.clear();
        }
        tasks.merge(task.taskId(), task, (cached, written) -> written.state().version() > cached.state().version() ? written : cached);
    }

    Task task(String taskId, long version, Body body)
            throws SQLException
    {
        Task cached = tasks.get(taskId);
        if (cached != null && cached.state().version() == version) {
            return cached;
        }
        Task task = JsonBodies.read(body.read(), Task.class);
        if (task.state().version() == version) {
            if (tasks.size() >= MAX_TASKS) {
                tasks.clear();
            }
            tasks.put(taskId, task);
        }
        return task;
    }
}
