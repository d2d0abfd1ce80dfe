package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.tasks.TaskProtectionService;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/** GetTaskProtection, UpdateTaskProtection. */
public final class TaskProtectionActions
{
    private final TaskProtectionService protection;

    public TaskProtectionActions(TaskProtectionService protection)
    {
        this.protection = requireNonNull(protection, "protection is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("GetTaskProtection", this::get),
                new SimpleEcsAction("UpdateTaskProtection", this::update));
    }

    private JsonNode get(RequestContext context, JsonNode request)
    {
        return toJson(protection.get(context.account().accountId(), optionalString(request, "cluster"), optionalStrings(request, "tasks")));
    }

    private JsonNode update(RequestContext context, JsonNode request)
    {
        Boolean enabled = optionalBoolean(request, "protectionEnabled");
        if (enabled == null) {
            throw EcsException.invalidParameter("protectionEnabled is required: true or false.");
        }
        return toJson(protection.update(context.account().accountId(), optionalString(request, "cluster"), optionalStrings(request, "tasks"), enabled,
                optionalInteger(request, "expiresInMinutes")));
    }

    private static JsonNode toJson(TaskProtectionService.Outcome outcome)
    {
        ObjectNode response = JsonFields.object();
        ArrayNode protections = response.putArray("protectedTasks");
        outcome.protections().forEach(task -> {
            ObjectNode node = protections.addObject();
            node.put("taskArn", task.taskArn());
            node.put("protectionEnabled", task.protectionEnabled());
            JsonFields.putTime(node, "expirationDate", task.expirationDate());
        });
        ArrayNode failures = response.putArray("failures");
        outcome.failures().forEach(failure -> failures.addObject().put("arn", failure.reference()).put("reason", failure.reason()));
        return response;
    }
}
