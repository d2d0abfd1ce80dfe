package io.berth.controlplane.store;

import io.berth.controlplane.store.jdbc.Sql;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Tasks: the columns lookups filter on, and the whole task as a JSON body. Updates carry the version they
 * read; a row changed meanwhile raises {@link ConcurrentUpdateException} and the transaction runs again.
 */
public final class TaskRows
{
    private final Sql sql;
    private final TaskBodyCache bodies;
    private final NetworkChanges networkChanges;
    private final PlacedTaskChanges placedChanges;
    private final Consumer<Runnable> afterCommit;
    /** Bodies fetched by id at most this many a query (SQLite's default limit of bound parameters is far above it). */
    private static final int BODIES_PER_QUERY = 500;

    /**
     * afterCommit runs its work once the transaction commits: a task it wrote goes into the body cache then, at its new
     * version, so that the next read of it (a host's next sync, a DescribeTasks) need not parse the body it wrote.
     */
    TaskRows(Sql sql, TaskBodyCache bodies, NetworkChanges networkChanges, PlacedTaskChanges placedChanges, Consumer<Runnable> afterCommit)
    {
        this.placedChanges = requireNonNull(placedChanges, "placedChanges is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.networkChanges = requireNonNull(networkChanges, "networkChanges is null");
        this.afterCommit = requireNonNull(afterCommit, "afterCommit is null");
    }

    public void insert(Task task)
    {
        TaskState state = task.state();
        sql.update("INSERT INTO tasks (task_id, account_id, cluster_name, arn, family, started_by, task_group, desired_status, last_status, host_id, "
                        + "created_at, stopped_at, version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                task.taskId(), task.accountId(), task.clusterName(), task.arn(), task.family(), task.startedBy(), task.group(),
                state.desiredStatus().name(), state.lastStatus().name(), state.hostId(),
                task.createdAt().toEpochMilli(), epochMillis(state.stoppedAt()), state.version(), JsonBodies.write(task));
        task.endpoint().ifPresent(endpoint -> networkChanges.endpointChanged(null, endpoint));
        placedChanges.wrote(null, task);
        afterCommit.accept(() -> bodies.committed(task));
    }

    /**
     * Writes task, whose state must carry the next version of the one read. Throws ConcurrentUpdateException
     * when another writer got there first.
     */
    private void update(Task task)
    {
        TaskState state = task.state();
        int updated = sql.update("UPDATE tasks SET desired_status = ?, last_status = ?, host_id = ?, stopped_at = ?, version = ?, body = ? "
                        + "WHERE task_id = ? AND version = ?",
                state.desiredStatus().name(), state.lastStatus().name(), state.hostId(), epochMillis(state.stoppedAt()), state.version(),
                JsonBodies.write(task), task.taskId(), state.version() - 1);
        if (updated != 1) {
            throw new ConcurrentUpdateException("Task " + task.taskId() + " changed concurrently");
        }
    }

    /**
     * Stores after if it differs from before (the task as read), bumping the version; true when it wrote.
     */
    public boolean updateIfChanged(Task before, Task after)
    {
        return stored(before, after) != before;
    }

    /** As {@link #updateIfChanged}, returning the task as it is stored now: before itself when unchanged. */
    public Task stored(Task before, Task after)
    {
        if (after.equals(before)) {
            return before;
        }
        Task stored = after.withState(after.state().toBuilder().version(before.state().version() + 1).build());
        update(stored);
        placedChanges.wrote(before, stored);
        afterCommit.accept(() -> bodies.committed(stored));
        if (!before.endpoint().equals(stored.endpoint())) {
            // every host's plan lists the cluster's task endpoints
            networkChanges.endpointChanged(before.endpoint().orElse(null), stored.endpoint().orElse(null));
        }
        return stored;
    }

    /**
     * Any account's task: for agents, which act on ids the control plane gave them. A task read before at the row's
     * version is not parsed again (every DescribeTasks and StopTask reads its tasks; see {@link TaskBodyCache}).
     */
    public Optional<Task> find(String taskId)
    {
        return sql.queryOne("SELECT task_id, version, body FROM tasks WHERE task_id = ?", this::cachedTask, taskId);
    }

    /** The account's task; as {@link #find(String)}, the row is the account's before its cached parse is served. */
    public Optional<Task> find(String accountId, String taskId)
    {
        return sql.queryOne("SELECT task_id, version, body FROM tasks WHERE account_id = ? AND task_id = ?", this::cachedTask, accountId, taskId);
    }

    /** Task ARNs of a cluster, oldest first; family and startedBy may be null (no filter). */
    public List<String> listArns(String accountId, String clusterName, String family, String startedBy, TaskStatus desiredStatus, int offset, int limit)
    {
        return listArns(accountId, clusterName, family, startedBy, null, desiredStatus, offset, limit);
    }

    /** Task ARNs of a cluster, oldest first; family, startedBy and group may be null (no filter). */
    public List<String> listArns(String accountId, String clusterName, String family, String startedBy, String group, TaskStatus desiredStatus, int offset,
            int limit)
    {
        List<Object> parameters = new ArrayList<>(List.of(accountId, clusterName, desiredStatus.name()));
        StringBuilder where = new StringBuilder("account_id = ? AND cluster_name = ? AND desired_status = ?");
        if (family != null) {
            where.append(" AND family = ?");
            parameters.add(family);
        }
        if (startedBy != null) {
            where.append(" AND started_by = ?");
            parameters.add(startedBy);
        }
        if (group != null) {
            where.append(" AND task_group = ?");
            parameters.add(group);
        }
        parameters.add(limit);
        parameters.add(offset);
        return sql.query("SELECT arn FROM tasks WHERE " + where + " ORDER BY created_at, task_id LIMIT ? OFFSET ?",
                row -> row.getString(1), parameters.toArray());
    }

    /** The cluster's tasks not yet STOPPED that one of these started (a service's deployments), oldest first. */
    public List<Task> notStoppedStartedBy(String accountId, String clusterName, List<String> startedBy)
    {
        if (startedBy.isEmpty()) {
            return List.of();
        }
        List<Object> parameters = new ArrayList<>(List.of(accountId, clusterName, TaskStatus.STOPPED.name()));
        parameters.addAll(startedBy);
        String placeholders = String.join(", ", startedBy.stream().map(value -> "?").toList());
        return sql.query("SELECT body FROM tasks WHERE account_id = ? AND cluster_name = ? AND last_status <> ? AND started_by IN (" + placeholders + ") "
                        + "ORDER BY created_at, task_id", TaskRows::task, parameters.toArray());
    }

    public long countWithLastStatus(String accountId, String clusterName, List<TaskStatus> statuses)
    {
        List<Object> parameters = new ArrayList<>(List.of(accountId, clusterName));
        statuses.forEach(status -> parameters.add(status.name()));
        String placeholders = String.join(", ", statuses.stream().map(status -> "?").toList());
        return sql.count("SELECT COUNT(*) FROM tasks WHERE account_id = ? AND cluster_name = ? AND last_status IN (" + placeholders + ")",
                parameters.toArray());
    }

    /** How many tasks of every account are in each lastStatus (statuses with none are absent), for the operator's metrics. */
    public java.util.Map<TaskStatus, Long> countByLastStatus()
    {
        java.util.Map<TaskStatus, Long> counts = new java.util.EnumMap<>(TaskStatus.class);
        sql.query("SELECT last_status, COUNT(*) FROM tasks GROUP BY last_status", row -> java.util.Map.entry(row.getString(1), row.getLong(2)))
                .forEach(entry -> counts.put(TaskStatus.valueOf(entry.getKey()), entry.getValue()));
        return counts;
    }

    public long countNotStopped(String accountId, String clusterName)
    {
        return sql.count("SELECT COUNT(*) FROM tasks WHERE account_id = ? AND cluster_name = ? AND last_status <> ?",
                accountId, clusterName, TaskStatus.STOPPED.name());
    }

    /**
     * Every task the host holds or should hold: placed there and not yet STOPPED. Read as {@link #placedNotStopped()} is,
     * versions first: every sync of every host reads its tasks, and their bodies crossed from the database each time
     * (a host with fifty tasks: a hundred kilobytes a sync) though the cache held nearly all of them at their version.
     */
    public List<Task> onHost(String hostId)
    {
        List<TaskVersion> rows = sql.query("SELECT task_id, version FROM tasks WHERE host_id = ? AND last_status <> ? ORDER BY created_at, task_id",
                row -> new TaskVersion(row.getString(1), row.getLong(2)), hostId, TaskStatus.STOPPED.name());
        return withBodies(rows).stream()
                .filter(task -> hostId.equals(task.state().hostId()))
                .toList();
    }

    /**
     * The hosts that hold a task, not STOPPED, of any of the accounts. Read as a loose index scan: each step takes the
     * next host after the one before from the index of live tasks by account and host (tasks_live_by_account_host), so
     * a call costs one probe per host, where a DISTINCT read every live task of the account. The index's condition is
     * written out as it is in the index (a bound value would keep the planner from using it).
     */
    public Set<String> hostsHoldingTasksOf(Collection<String> accountIds)
    {
        Set<String> hosts = new TreeSet<>();
        for (String accountId : new TreeSet<>(accountIds)) {
            hosts.addAll(sql.query("WITH RECURSIVE live(host_id) AS ("
                            + " SELECT MIN(host_id) FROM tasks WHERE account_id = ? AND host_id IS NOT NULL AND last_status <> 'STOPPED'"
                            + " UNION ALL"
                            + " SELECT (SELECT MIN(next.host_id) FROM tasks next"
                            + "   WHERE next.account_id = ? AND next.host_id > live.host_id AND next.last_status <> 'STOPPED')"
                            + " FROM live WHERE live.host_id IS NOT NULL)"
                            + " SELECT host_id FROM live WHERE host_id IS NOT NULL",
                    row -> row.getString(1), accountId, accountId));
        }
        return hosts;
    }

    /**
     * Every task placed on a host and not yet STOPPED: what holds the hosts' capacity. Every placement and every change of
     * the task network reads them all, so the rows are read without their bodies first, and only the bodies of tasks not
     * cached at their version are fetched (see {@link TaskBodyCache}): a fleet's bodies would otherwise cross from the
     * database at every read (megabytes for a few thousand tasks).
     */
    public List<Task> placedNotStopped()
    {
        List<TaskVersion> rows = sql.query("SELECT task_id, version FROM tasks WHERE host_id IS NOT NULL AND last_status <> ? ORDER BY host_id, created_at, task_id",
                row -> new TaskVersion(row.getString(1), row.getLong(2)), TaskStatus.STOPPED.name());
        return withBodies(rows);
    }

    /**
     * The tasks of rows (read without their bodies), in their order: each from the cache at its version, else fetched.
     * A task that is no longer placed or is STOPPED by the time its body is fetched is left out.
     */
    private List<Task> withBodies(List<TaskVersion> rows)
    {
        // the cached tasks are taken now: the cache may start afresh while the missing bodies are fetched
        List<Task> cached = rows.stream().map(row -> bodies.cached(row.taskId(), row.version())).toList();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (cached.get(i) == null) {
                missing.add(rows.get(i).taskId());
            }
        }
        Map<String, Task> fetched = new HashMap<>();
        for (int from = 0; from < missing.size(); from += BODIES_PER_QUERY) {
            List<String> batch = missing.subList(from, Math.min(missing.size(), from + BODIES_PER_QUERY));
            sql.query("SELECT task_id, version, body FROM tasks WHERE task_id IN (" + String.join(", ", Collections.nCopies(batch.size(), "?")) + ")",
                            this::cachedTask, batch.toArray())
                    .forEach(task -> fetched.put(task.taskId(), task));
        }
        List<Task> tasks = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Task task = cached.get(i) != null ? cached.get(i) : fetched.get(rows.get(i).taskId());
            // a task whose row changed since the first read is taken as fetched (newer); one deleted since, which only a
            // STOPPED task can be, is left out
            if (task != null && task.state().hostId() != null && task.state().lastStatus() != TaskStatus.STOPPED) {
                tasks.add(task);
            }
        }
        return tasks;
    }

    /** A task row's id and version, read without its body. */
    private record TaskVersion(String taskId, long version) {}

    /**
     * The accounts with tasks waiting for a host, at most limit of them: first those with a task never tried,
     * then those whose tasks were tried least recently, so that with more accounts than a pass takes every
     * account gets its turn.
     */
    public List<String> accountsWaiting(int limit)
    {
        return sql.query("SELECT t.account_id, MIN(COALESCE(p.attempted_at, 0)) AS tried, MIN(t.created_at) AS oldest "
                        + "FROM tasks t LEFT JOIN placement_attempts p ON p.task_id = t.task_id "
                        + "WHERE t.host_id IS NULL AND t.last_status = ? AND t.desired_status = ? "
                        + "GROUP BY t.account_id ORDER BY tried, oldest, t.account_id LIMIT ?",
                row -> row.getString("account_id"), TaskStatus.PROVISIONING.name(), TaskStatus.RUNNING.name(), limit);
    }

    /**
     * Tasks of the account waiting for a host: those never tried first, oldest first, then those tried least
     * recently, so that tasks that fit nowhere do not keep the account's newer tasks out of a pass.
     */
    public List<Task> unplaced(String accountId, int limit)
    {
        return sql.query("SELECT t.body FROM tasks t LEFT JOIN placement_attempts p ON p.task_id = t.task_id "
                        + "WHERE t.account_id = ? AND t.host_id IS NULL AND t.last_status = ? AND t.desired_status = ? "
                        + "ORDER BY COALESCE(p.attempted_at, 0), t.created_at, t.task_id LIMIT ?",
                TaskRows::task, accountId, TaskStatus.PROVISIONING.name(), TaskStatus.RUNNING.name(), limit);
    }

    /** The account's tasks that are not STOPPED: what counts against its quotas. */
    public List<Task> notStoppedOf(String accountId)
    {
        return sql.query("SELECT body FROM tasks WHERE account_id = ? AND last_status <> ? ORDER BY created_at, task_id",
                TaskRows::task, accountId, TaskStatus.STOPPED.name());
    }

    public int deleteStoppedBefore(Instant cutoff)
    {
        return sql.update("DELETE FROM tasks WHERE last_status = ? AND stopped_at < ?", TaskStatus.STOPPED.name(), cutoff.toEpochMilli());
    }

    private static Long epochMillis(Instant instant)
    {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static Task task(ResultSet row)
            throws SQLException
    {
        return JsonBodies.read(row.getString("body"), Task.class);
    }

    /** For the reads every sync makes: a row of a version read before is not parsed again (see {@link TaskBodyCache}). */
    private Task cachedTask(ResultSet row)
            throws SQLException
    {
        return bodies.task(row.getString("task_id"), row.getLong("version"), () -> row.getString("body"));
    }
}
