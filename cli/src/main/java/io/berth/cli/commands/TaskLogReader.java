package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads a task's log page by page from GET /berth/tasks/{taskId}/logs, remembering where it stopped, and
 * prints stdout lines to out and stderr lines to err.
 */
final class TaskLogReader
{
    private final BerthClient client;
    private final String path;
    private final Optional<String> cluster;
    private String nextToken;

    TaskLogReader(BerthClient client, String taskId, Optional<String> cluster)
    {
        this.client = requireNonNull(client, "client is null");
        this.path = "/berth/tasks/" + BerthClient.pathSegment(requireNonNull(taskId, "taskId is null")) + "/logs";
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    record Page(int lineCount, boolean complete) {}

    /** Fetches and prints the next page; returns how many lines it printed and whether the log is complete. */
    Page printNext(PrintWriter out, PrintWriter err)
    {
        Map<String, String> query = new LinkedHashMap<>();
        cluster.ifPresent(value -> query.put("cluster", value));
        if (nextToken != null) {
            query.put("nextToken", nextToken);
        }
        JsonNode page = client.admin("GET", path, query, null);
        int count = 0;
        for (JsonNode line : page.path("lines")) {
            PrintWriter target = "stderr".equals(line.path("stream").asText()) ? err : out;
            target.println(line.path("text").asText());
            count++;
        }
        if (count > 0) {
            out.flush();
            err.flush();
        }
        JsonNode token = page.get("nextToken");
        if (token != null && !token.isNull()) {
            nextToken = token.asText();
        }
        return new Page(count, page.path("complete").asBoolean(false));
    }
}
