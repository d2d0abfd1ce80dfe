package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** Reads a task's whole log through Berth's logs endpoint, as `berth logs` does. */
final class LogLines
{
    record Line(String container, String stream, String text) {}

    private LogLines() {}

    static List<Line> readAll(BerthEnvironment environment, String cluster, String taskArn)
    {
        try (BerthClient client = SignedClients.operator(environment)) {
            return readAll(client, cluster, taskArn);
        }
    }

    /** The log of a task of the account whose keys signed client. */
    static List<Line> readAll(BerthClient client, String cluster, String taskArn)
    {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        List<Line> lines = new ArrayList<>();
        String[] token = {null};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, String> query = new HashMap<>();
            query.put("cluster", cluster);
            if (token[0] != null) {
                query.put("nextToken", token[0]);
            }
            JsonNode page = client.admin("GET", "/berth/tasks/" + BerthClient.pathSegment(taskId) + "/logs", query, null);
            for (JsonNode line : page.path("lines")) {
                lines.add(new Line(line.path("container").asText(), line.path("stream").asText(), line.path("text").asText()));
            }
            token[0] = page.path("nextToken").isTextual() ? page.path("nextToken").asText() : token[0];
            return page.path("complete").asBoolean(false);
        });
        return lines;
    }
}
