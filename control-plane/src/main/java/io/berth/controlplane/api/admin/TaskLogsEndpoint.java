package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.controlplane.agents.LogSources;
import io.berth.controlplane.agents.TaskReportSignals;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskService;
import io.berth.controlplane.tasks.TaskStatus;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * GET /berth/tasks/{taskId}/logs?cluster=&nextToken=&limit=&waitSeconds=: a page of a task's log lines, read from
 * the host that runs (or ran) it, the task's lastStatus and its containers' (lastStatus, exitCode, reason). Only the
 * task's own account can read them. With waitSeconds, an empty page is held back until a line comes, the log is
 * complete with every container's exit recorded, the task is STOPPED or the wait is over, so that `berth run` and
 * `berth logs -f` follow a task in one long call rather than a poll every few hundred milliseconds (each a round trip
 * and, in a CLI just started, slow interpreted code). `berth run` returns at its container's exit that way, not
 * after the task's cleanup.
 */
public final class TaskLogsEndpoint
        implements AdminEndpoint
{
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10000;
    static final int MAX_WAIT_SECONDS = 20;
    /**
     * How often a waiting request reads the log and the task again, unless a report of the task wakes it sooner: once
     * the log is whole (its last exits may not be reported yet), or when the host did not hold the read.
     */
    static final Duration WAIT_POLL_INTERVAL = Duration.ofMillis(25);
    /**
     * How long one read may be held by the host while the log may still grow: the host looks at its files often and
     * answers at the first line or at the log's end, where a read every 25 ms from here would each be a signed call.
     */
    static final Duration HOST_WAIT_AT_MOST = Duration.ofSeconds(1);

    private final TaskService tasks;
    private final LogSources logSources;
    private final TaskReportSignals reports;

    public TaskLogsEndpoint(TaskService tasks, LogSources logSources, TaskReportSignals reports)
    {
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.logSources = requireNonNull(logSources, "logSources is null");
        this.reports = requireNonNull(reports, "reports is null");
    }

    @Override
    public String method()
    {
        return "GET";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/tasks/{taskId}/logs";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        String taskId = pathParameters.get("taskId");
        if (taskId == null || taskId.isEmpty()) {
            throw EcsException.invalidParameter("The task id is missing from the path: GET /berth/tasks/{taskId}/logs.");
        }
        int limit = boundedNumber("limit", query.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
        String token = emptyToNull(query.get("nextToken"));
        long waitNanos = Duration.ofSeconds(boundedNumber("waitSeconds", query.get("waitSeconds"), 0, 0, MAX_WAIT_SECONDS)).toNanos();
        long start = System.nanoTime();
        // watched before the first look: a report recorded while the task and its log are read wakes the first wait
        try (TaskReportSignals.Watch watch = reports.watch(taskId.substring(taskId.lastIndexOf('/') + 1))) {
            return answer(context, query, taskId, token, limit, waitNanos, start, watch);
        }
    }

    private JsonNode answer(RequestContext context, Map<String, String> query, String taskId, String token, int limit, long waitNanos, long start,
            TaskReportSignals.Watch watch)
    {
        boolean whole = false;
        LogChunk wholeAndRead = null;
        while (true) {
            Task task = tasks.find(context.account().accountId(), query.get("cluster"), taskId)
                    .orElseThrow(() -> EcsException.invalidParameter("The referenced task was not found."));
            boolean stopped = task.state().lastStatus() == TaskStatus.STOPPED;
            long left = waitNanos - (System.nanoTime() - start);
            Duration hostWait = whole || stopped || left <= 0 ? Duration.ZERO : Duration.ofNanos(Math.min(left, HOST_WAIT_AT_MOST.toNanos()));
            long readStart = System.nanoTime();
            // a log the host called whole, read to its end, stays so: while the exits' report is awaited only the task
            // is read again, not the host (a signed call each)
            LogChunk chunk = wholeAndRead != null ? wholeAndRead : read(task, token, limit, hostWait);
            whole = chunk.complete();
            wholeAndRead = whole && chunk.lines().isEmpty() ? chunk : null;
            // the host says the log is whole once every container exited; its report of the exits may come a moment later
            boolean exited = whole && everyContainerExited(task);
            if (!chunk.lines().isEmpty() || stopped || exited || System.nanoTime() - start >= waitNanos) {
                return response(chunk, task);
            }
            boolean held = !hostWait.isZero() && System.nanoTime() - readStart >= hostWait.toNanos();
            if (held) {
                // the host waited its whole time for nothing: read again at once (the task, too)
                continue;
            }
            try {
                watch.await(WAIT_POLL_INTERVAL);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response(chunk, task);
            }
        }
    }

    private LogChunk read(Task task, String token, int limit, Duration hostWait)
    {
        boolean stopped = task.state().lastStatus() == TaskStatus.STOPPED;
        String hostId = task.state().hostId();
        if (hostId == null) {
            // never placed: nothing was ever written
            return new LogChunk(List.of(), token, stopped);
        }
        TaskLogSource source = logSources.forHost(hostId)
                .orElseThrow(() -> new EcsException("ServerException", "The logs of task " + task.taskId() + " are on host " + hostId
                        + ", which is not connected to the control plane right now. Try again once the host is back."));
        Optional<LogChunk> chunk;
        try {
            chunk = source.read(task.taskId(), token, limit, hostWait);
        }
        catch (UncheckedIOException e) {
            throw new EcsException("ServerException", "The logs of task " + task.taskId() + " cannot be read right now: " + e.getMessage());
        }
        return chunk.orElseGet(() -> new LogChunk(List.of(), token, stopped));
    }

    /** A whole-number query parameter from min to max, or the default when absent. */
    private static int boundedNumber(String name, String value, int defaultValue, int min, int max)
    {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        throw EcsException.invalidParameter(name + " must be a number from " + min + " to " + max + ", got '" + value + "'.");
    }

    private static boolean everyContainerExited(Task task)
    {
        return task.state().containers().stream().allMatch(container -> container.lastStatus() == TaskStatus.STOPPED);
    }

    private static JsonNode response(LogChunk chunk, Task task)
    {
        ObjectNode response = JsonFields.object();
        response.put("taskStatus", task.state().lastStatus().name());
        ArrayNode containers = response.putArray("containers");
        for (TaskContainer container : task.state().containers()) {
            ObjectNode entry = containers.addObject();
            entry.put("name", container.name());
            entry.put("lastStatus", container.lastStatus().name());
            if (container.exitCode() != null) {
                entry.put("exitCode", container.exitCode());
            }
            JsonFields.putIfNotNull(entry, "reason", container.reason());
        }
        ArrayNode lines = response.putArray("lines");
        chunk.lines().forEach(line -> {
            ObjectNode entry = lines.addObject();
            JsonFields.putTime(entry, "time", line.time());
            JsonFields.putIfNotNull(entry, "container", line.container());
            JsonFields.putIfNotNull(entry, "stream", line.stream());
            entry.put("text", line.text());
        });
        JsonFields.putIfNotNull(response, "nextToken", chunk.nextToken());
        response.put("complete", chunk.complete());
        return response;
    }

    private static String emptyToNull(String value)
    {
        return value == null || value.isEmpty() ? null : value;
    }
}
