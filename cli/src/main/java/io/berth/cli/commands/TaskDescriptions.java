package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.json.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** DescribeTasks and reading the fields the commands show, from the ECS wire shape. */
final class TaskDescriptions
{
    private static final int DESCRIBE_BATCH = 100;

    private TaskDescriptions() {}

    static List<JsonNode> describe(BerthClient client, Optional<String> cluster, List<String> tasks)
    {
        List<JsonNode> described = new ArrayList<>();
        for (int start = 0; start < tasks.size(); start += DESCRIBE_BATCH) {
            ObjectNode request = Json.mapper().createObjectNode();
            cluster.ifPresent(value -> request.put("cluster", value));
            tasks.subList(start, Math.min(tasks.size(), start + DESCRIBE_BATCH)).forEach(request.putArray("tasks")::add);
            client.ecs("DescribeTasks", request).path("tasks").forEach(described::add);
        }
        return described;
    }

    static Optional<JsonNode> describeOne(BerthClient client, Optional<String> cluster, String task)
    {
        List<JsonNode> described = describe(client, cluster, List.of(task));
        return described.isEmpty() ? Optional.empty() : Optional.of(described.getFirst());
    }

    static Optional<Instant> time(JsonNode task, String field)
    {
        JsonNode value = task.get(field);
        if (value == null || !value.isNumber()) {
            return Optional.empty();
        }
        double seconds = value.asDouble();
        return Optional.of(Instant.ofEpochMilli(Math.round(seconds * 1000)));
    }

    /** "family" from ...:task-definition/family:revision. */
    static String family(JsonNode task)
    {
        String arn = task.path("taskDefinitionArn").asText("");
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        int colon = name.lastIndexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    static Optional<JsonNode> container(JsonNode task, Optional<String> name)
    {
        for (JsonNode container : task.path("containers")) {
            if (name.isEmpty() || name.get().equals(container.path("name").asText())) {
                return Optional.of(container);
            }
        }
        return Optional.empty();
    }

    /** ListTasks, every page: the ARNs of the tasks with this desired status. */
    static List<String> list(BerthClient client, Optional<String> clusterName, String desiredStatus)
    {
        List<String> arns = new ArrayList<>();
        String nextToken = null;
        do {
            ObjectNode request = Json.mapper().createObjectNode();
            clusterName.ifPresent(value -> request.put("cluster", value));
            request.put("desiredStatus", desiredStatus);
            if (nextToken != null) {
                request.put("nextToken", nextToken);
            }
            JsonNode response = client.ecs("ListTasks", request);
            response.path("taskArns").forEach(arn -> arns.add(arn.asText()));
            nextToken = response.hasNonNull("nextToken") ? response.path("nextToken").asText() : null;
        }
        while (nextToken != null);
        return arns;
    }
}
