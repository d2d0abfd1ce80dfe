package io.berth.controlplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.common.json.Json;
import io.berth.controlplane.metering.MeteredTask;
import io.berth.controlplane.metering.UsageRecorder;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.jdbc.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The metering record of each task. Writes are idempotent upserts that never lower anything: the first
 * stop time stays, cumulative usage takes the larger value, so reports may come late, twice, or from
 * before a restart without counting anything twice.
 */
public final class TaskUsageRows
{
    private static final String COLUMNS = "task_id, account_id, cluster_name, task_arn, family, task_group, cpu, memory, pull_started_at, stopped_at, "
            + "cpu_seconds, avg_memory_mib, memory_sampled_seconds, peak_memory_mib, sampled_at, tags, capacity_provider";
    private static final TypeReference<Map<String, String>> TAG_MAP = new TypeReference<>() {};

    private final Sql sql;

    TaskUsageRows(Sql sql)
    {
        this.sql = requireNonNull(sql, "sql is null");
    }

    public void upsert(MeteredTask task)
    {
        // portable between SQLite (3.24+) and PostgreSQL: ON CONFLICT ... DO UPDATE with excluded, and CASE for max
        sql.update("INSERT INTO task_usage (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (task_id) DO UPDATE SET "
                        + "pull_started_at = CASE WHEN excluded.pull_started_at < task_usage.pull_started_at THEN excluded.pull_started_at ELSE task_usage.pull_started_at END, "
                        + "stopped_at = COALESCE(task_usage.stopped_at, excluded.stopped_at), "
                        + "cpu_seconds = CASE WHEN excluded.cpu_seconds > task_usage.cpu_seconds THEN excluded.cpu_seconds ELSE task_usage.cpu_seconds END, "
                        + "avg_memory_mib = CASE WHEN excluded.memory_sampled_seconds > task_usage.memory_sampled_seconds "
                        + "OR (excluded.memory_sampled_seconds = task_usage.memory_sampled_seconds AND excluded.avg_memory_mib > task_usage.avg_memory_mib) "
                        + "THEN excluded.avg_memory_mib ELSE task_usage.avg_memory_mib END, "
                        + "memory_sampled_seconds = CASE WHEN excluded.memory_sampled_seconds > task_usage.memory_sampled_seconds THEN excluded.memory_sampled_seconds ELSE task_usage.memory_sampled_seconds END, "
                        + "peak_memory_mib = CASE WHEN excluded.peak_memory_mib > task_usage.peak_memory_mib THEN excluded.peak_memory_mib ELSE task_usage.peak_memory_mib END, "
                        + "sampled_at = CASE WHEN task_usage.sampled_at IS NULL OR excluded.sampled_at > task_usage.sampled_at THEN excluded.sampled_at ELSE task_usage.sampled_at END, "
                        // a record without tags (a vanished task closed from its row) keeps the ones stored
                        + "tags = COALESCE(excluded.tags, task_usage.tags), "
                        + "capacity_provider = COALESCE(task_usage.capacity_provider, excluded.capacity_provider)",
                task.taskId(), task.accountId(), task.clusterName(), task.taskArn(), task.family(), task.group(), task.cpu(), task.memory(),
                task.pullStartedAt().toEpochMilli(), epochMillis(task.stoppedAt()),
                task.cpuSeconds(), task.avgMemoryMiB(), task.memorySampledSeconds(), task.peakMemoryMiB(), epochMillis(task.sampledAt()),
                task.tags().isEmpty() ? null : JsonBodies.write(task.tags()), task.capacityProvider());
    }

    /** The task's tags after TagResource or UntagResource; nothing happens for a task not metered yet (its first record carries them). */
    public void setTags(String taskId, List<Tag> tags)
    {
        sql.update("UPDATE task_usage SET tags = ? WHERE task_id = ?", JsonBodies.write(UsageRecorder.tagMap(tags)), taskId);
    }

    public Optional<MeteredTask> find(String taskId)
    {
        return sql.queryOne("SELECT " + COLUMNS + " FROM task_usage WHERE task_id = ?", TaskUsageRows::meteredTask, taskId);
    }

    /**
     * Tasks billable in [since, until): began pulling before until, and still running or stopped at or after
     * stoppedSince. accountId null means every account.
     */
    public List<MeteredTask> billable(String accountId, Instant stoppedSince, Instant until)
    {
        List<Object> parameters = new ArrayList<>(List.of(until.toEpochMilli(), stoppedSince.toEpochMilli()));
        String where = "pull_started_at < ? AND (stopped_at IS NULL OR stopped_at >= ?)";
        if (accountId != null) {
            where += " AND account_id = ?";
            parameters.add(accountId);
        }
        return sql.query("SELECT " + COLUMNS + " FROM task_usage WHERE " + where + " ORDER BY pull_started_at, task_id",
                TaskUsageRows::meteredTask, parameters.toArray());
    }

    /** Tasks whose stop has not been recorded yet. */
    public List<MeteredTask> running()
    {
        return sql.query("SELECT " + COLUMNS + " FROM task_usage WHERE stopped_at IS NULL ORDER BY pull_started_at, task_id", TaskUsageRows::meteredTask);
    }

    private static MeteredTask meteredTask(ResultSet row)
            throws SQLException
    {
        return new MeteredTask(
                row.getString("task_id"),
                row.getString("account_id"),
                row.getString("cluster_name"),
                row.getString("task_arn"),
                row.getString("family"),
                row.getString("task_group"),
                row.getInt("cpu"),
                row.getInt("memory"),
                Instant.ofEpochMilli(row.getLong("pull_started_at")),
                instant(Sql.nullableLong(row, "stopped_at")),
                row.getDouble("cpu_seconds"),
                row.getDouble("avg_memory_mib"),
                row.getDouble("memory_sampled_seconds"),
                row.getDouble("peak_memory_mib"),
                instant(Sql.nullableLong(row, "sampled_at")),
                tags(row.getString("tags")),
                row.getString("capacity_provider"));
    }

    private static Map<String, String> tags(String json)
    {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(json, TAG_MAP);
        }
        catch (JsonProcessingException e) {
            throw new StoreException("Cannot decode stored task tags: " + e.getMessage(), e);
        }
    }

    private static Instant instant(Long epochMillis)
    {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }

    private static Long epochMillis(Instant instant)
    {
        return instant == null ? null : instant.toEpochMilli();
    }
}
