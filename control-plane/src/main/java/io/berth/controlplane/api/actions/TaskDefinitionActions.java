package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskDefinitionService;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/** RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies, DeregisterTaskDefinition. */
public final class TaskDefinitionActions
{
    private final TaskDefinitionService taskDefinitions;

    public TaskDefinitionActions(TaskDefinitionService taskDefinitions)
    {
        this.taskDefinitions = requireNonNull(taskDefinitions, "taskDefinitions is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("RegisterTaskDefinition", this::register),
                new SimpleEcsAction("DescribeTaskDefinition", this::describe),
                new SimpleEcsAction("ListTaskDefinitions", this::list),
                new SimpleEcsAction("ListTaskDefinitionFamilies", this::listFamilies),
                new SimpleEcsAction("DeregisterTaskDefinition", this::deregister),
                new SimpleEcsAction("DeleteTaskDefinitions", this::delete));
    }

    private JsonNode register(RequestContext context, JsonNode request)
    {
        TaskDefinition definition = taskDefinitions.register(context.account().accountId(), context.region(), TaskDefinitionWire.request(request));
        return withTaskDefinition(definition, true);
    }

    private JsonNode describe(RequestContext context, JsonNode request)
    {
        boolean includeTags = JsonFields.includesTags(request);
        TaskDefinition definition = taskDefinitions.describe(context.account().accountId(), optionalString(request, "taskDefinition"));
        return withTaskDefinition(definition, includeTags);
    }

    private JsonNode list(RequestContext context, JsonNode request)
    {
        PageRequest pageRequest = PageRequest.of(optionalInteger(request, "maxResults"), optionalString(request, "nextToken"));
        String sort = optionalString(request, "sort");
        if (sort != null && !sort.equals("ASC") && !sort.equals("DESC")) {
            throw EcsException.invalidParameter("sort must be ASC or DESC.");
        }
        TaskDefinition.Status status = status(optionalString(request, "status"), TaskDefinition.Status.ACTIVE, false);
        Page<String> page = taskDefinitions.listArns(context.account().accountId(), optionalString(request, "familyPrefix"), status,
                "DESC".equals(sort), pageRequest);
        ObjectNode response = JsonFields.object();
        response.set("taskDefinitionArns", JsonFields.strings(page.items()));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode listFamilies(RequestContext context, JsonNode request)
    {
        PageRequest pageRequest = PageRequest.of(optionalInteger(request, "maxResults"), optionalString(request, "nextToken"));
        TaskDefinition.Status status = status(optionalString(request, "status"), TaskDefinition.Status.ACTIVE, true);
        Page<String> page = taskDefinitions.listFamilies(context.account().accountId(), optionalString(request, "familyPrefix"), status, pageRequest);
        ObjectNode response = JsonFields.object();
        response.set("families", JsonFields.strings(page.items()));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private JsonNode deregister(RequestContext context, JsonNode request)
    {
        TaskDefinition definition = taskDefinitions.deregister(context.account().accountId(), optionalString(request, "taskDefinition"));
        return withTaskDefinition(definition, false);
    }

    private JsonNode delete(RequestContext context, JsonNode request)
    {
        TaskDefinitionService.Deletion deletion = taskDefinitions.delete(context.account().accountId(), optionalStrings(request, "taskDefinitions"));
        ObjectNode response = JsonFields.object();
        ArrayNode deleted = response.putArray("taskDefinitions");
        deletion.deleted().forEach(definition -> deleted.add(TaskDefinitionWire.toJson(definition)));
        ArrayNode failures = response.putArray("failures");
        deletion.failures().forEach(failure -> failures.addObject().put("arn", failure.reference()).put("reason", failure.reason()));
        return response;
    }

    private static JsonNode withTaskDefinition(TaskDefinition definition, boolean withTags)
    {
        ObjectNode response = JsonFields.object();
        response.set("taskDefinition", TaskDefinitionWire.toJson(definition));
        if (withTags) {
            response.set("tags", TaskDefinitionWire.tagsToJson(definition.tags()));
        }
        return response;
    }

    /** null means "any status" (only ListTaskDefinitionFamilies accepts ALL). */
    private static TaskDefinition.Status status(String value, TaskDefinition.Status defaultStatus, boolean allowAll)
    {
        if (value == null) {
            return defaultStatus;
        }
        if (allowAll && value.equals("ALL")) {
            return null;
        }
        return switch (value) {
            case "ACTIVE" -> TaskDefinition.Status.ACTIVE;
            case "INACTIVE" -> TaskDefinition.Status.INACTIVE;
            case "DELETE_IN_PROGRESS" -> {
                if (allowAll) {
                    throw EcsException.invalidParameter("status must be ACTIVE, INACTIVE or ALL.");
                }
                yield TaskDefinition.Status.DELETE_IN_PROGRESS;
            }
            default -> throw EcsException.invalidParameter("status must be ACTIVE, INACTIVE" + (allowAll ? " or ALL" : " or DELETE_IN_PROGRESS") + ".");
        };
    }
}
