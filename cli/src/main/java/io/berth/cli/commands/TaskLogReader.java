package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Reads a task's log page by page from GET /berth/tasks/{taskId}/logs, remembering where it stopped, and
 * prints stdout lines to out and stderr lines to err. A read may ask the control plane to wait for the next
 * line (or the containers' exits, or the task's stop) rather than answer an empty page at once.
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

    /**
     * A page read: how many lines it printed, whether the log is complete, the task's lastStatus and its containers'
     * states if the control plane said them (an older one names no containers).
     */
    record Page(int lineCount, boolean complete, Optional<String> taskStatus, List<ContainerState> containers)
    {
        Page
        {
            requireNonNull(taskStatus, "taskStatus is null");
            containers = List.copyOf(containers);
        }

        /**
         * The exit code of the named container (or of the first, when none has that name) once the log is complete and
         * every container has exited with a code; empty while one has not, or stopped without one (it never started,
         * say: then the task's stopped reason says why).
         */
        OptionalInt exitCodeOnceEveryContainerExited(String containerName)
        {
            if (!complete || containers.isEmpty() || containers.stream().anyMatch(container -> !container.exited())) {
                return OptionalInt.empty();
            }
            ContainerState chosen = containers.stream().filter(container -> container.name().equals(containerName)).findFirst().orElse(containers.getFirst());
            return OptionalInt.of(chosen.exitCode().orElseThrow());
        }
    }

    /** A container as the log page tells it: lastStatus, and the exit code once it has exited with one. */
    record ContainerState(String name, String lastStatus, Optional<Integer> exitCode)
    {
        boolean exited()
        {
            return "STOPPED".equals(lastStatus) && exitCode.isPresent();
        }
    }

    /** Fetches and prints the next page at once, empty or not. */
    Page printNext(PrintWriter out, PrintWriter err)
    {
        return printNext(out, err, Duration.ZERO);
    }

    /** Fetches and prints the next page; the control plane holds an empty page back for up to wait (whole seconds). */
    Page printNext(PrintWriter out, PrintWriter err, Duration wait)
    {
        Map<String, String> query = new LinkedHashMap<>();
        cluster.ifPresent(value -> query.put("cluster", value));
        if (nextToken != null) {
            query.put("nextToken", nextToken);
        }
        if (wait.toSeconds() > 0) {
            query.put("waitSeconds", String.valueOf(wait.toSeconds()));
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
        JsonNode status = page.get("taskStatus");
        List<ContainerState> containers = new ArrayList<>();
        for (JsonNode container : page.path("containers")) {
            JsonNode exitCode = container.get("exitCode");
            containers.add(new ContainerState(container.path("name").asText(), container.path("lastStatus").asText(),
                    exitCode != null && exitCode.isInt() ? Optional.of(exitCode.asInt()) : Optional.empty()));
        }
        return new Page(count, page.path("complete").asBoolean(false), Optional.ofNullable(status).filter(JsonNode::isTextual).map(JsonNode::asText), containers);
    }
}
