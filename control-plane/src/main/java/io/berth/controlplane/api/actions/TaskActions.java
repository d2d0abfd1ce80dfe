package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.idempotency.ClientToken;
import io.berth.controlplane.idempotency.IdempotencyConflictException;
import io.berth.controlplane.quotas.QuotaExceededException;
import io.berth.controlplane.resources.Described;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.RunTaskCommand;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskListFilter;
import io.berth.controlplane.tasks.TaskService;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.tasks.TaskTagging;

import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObject;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/** RunTask, StopTask, DescribeTasks, ListTasks. */
public final class TaskActions
{
    /** RunTask's fields Berth honours; clientToken makes the request idempotent (the AWS SDKs and CLI fill it in on every call). */
    private static final Set<String> RUN_TASK_FIELDS = Set.of("cluster", "taskDefinition", "count", "overrides", "startedBy", "group", "launchType",
            "platformVersion", "networkConfiguration", "placementStrategy", "placementConstraints", "tags", "propagateTags", "enableECSManagedTags",
            "capacityProviderStrategy", "clientToken");

    private final TaskService tasks;

    public TaskActions(TaskService tasks)
    {
        this.tasks = requireNonNull(tasks, "tasks is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("RunTask", this::runTask),
                new SimpleEcsAction("StopTask", this::stopTask),
                new SimpleEcsAction("DescribeTasks", this::describeTasks),
                new SimpleEcsAction("ListTasks", this::listTasks));
    }

    private JsonNode runTask(RequestContext context, JsonNode request)
    {
        JsonFields.refuseUnsupported(request, RUN_TASK_FIELDS, "RunTask");
        Integer count = optionalInteger(request, "count");
        List<ClusterConfiguration.StrategyItem> strategy = CapacityProviderStrategyWire.runTaskStrategy(request);
        RunTaskCommand command = new RunTaskCommand(
                optionalString(request, "cluster"),
                optionalString(request, "taskDefinition"),
                count == null ? 1 : count,
                TaskWire.overrides(optionalObject(request, "overrides")),
                optionalString(request, "startedBy"),
                optionalString(request, "group"),
                optionalString(request, "launchType"),
                optionalString(request, "platformVersion"),
                JsonFields.asMap(optionalObject(request, "networkConfiguration")),
                placement(request),
                tagging(request),
                strategy,
                ClientTokenWire.of(request, ClientToken.RUN_TASK_MAX_LENGTH));
        List<Task> started;
        try {
            started = tasks.run(context.account().accountId(), context.region(), command);
        }
        catch (QuotaExceededException e) {
            // ECS's model lists no LimitExceededException for RunTask: a refused request is a ClientException
            throw EcsException.clientException(e.getMessage());
        }
        catch (IdempotencyConflictException e) {
            throw ClientTokenWire.conflict(e);
        }
        ObjectNode response = JsonFields.object();
        ArrayNode array = response.putArray("tasks");
        started.forEach(task -> array.add(TaskWire.toJson(task, true)));
        response.putArray("failures");
        return response;
    }

    private static TaskTagging tagging(JsonNode request)
    {
        Boolean managed = optionalBoolean(request, "enableECSManagedTags");
        return new TaskTagging(TaskDefinitionWire.tags(request), optionalString(request, "propagateTags"), managed != null && managed);
    }

    static PlacementOptions placement(JsonNode request)
    {
        List<PlacementOptions.Strategy> strategies = optionalObjects(request, "placementStrategy").stream()
                .map(strategy -> new PlacementOptions.Strategy(optionalString(strategy, "type"), optionalString(strategy, "field")))
                .toList();
        List<PlacementOptions.Constraint> constraints = optionalObjects(request, "placementConstraints").stream()
                .map(constraint -> new PlacementOptions.Constraint(optionalString(constraint, "type"), optionalString(constraint, "expression")))
                .toList();
        return new PlacementOptions(strategies, constraints);
    }

    private JsonNode stopTask(RequestContext context, JsonNode request)
    {
        Task task = tasks.stop(context.account().accountId(), context.region(), optionalString(request, "cluster"), optionalString(request, "task"),
                optionalString(request, "reason"));
        ObjectNode response = JsonFields.object();
        response.set("task", TaskWire.toJson(task, false));
        return response;
    }

    private JsonNode describeTasks(RequestContext context, JsonNode request)
    {
        // as in ECS, a task's tags are shown only to a caller that asks for them
        boolean includeTags = JsonFields.includesTags(request);
        Described<Task> described = tasks.describe(context.account().accountId(), context.region(), optionalString(request, "cluster"), optionalStrings(request, "tasks"));
        ObjectNode response = JsonFields.object();
        ArrayNode array = response.putArray("tasks");
        described.found().forEach(task -> array.add(TaskWire.toJson(task, includeTags)));
        response.set("failures", JsonFields.missingFailures(described.missing()));
        return response;
    }

    /** serviceName may be the service's ARN (service/CLUSTER/NAME or service/NAME). */
    private static String serviceNameOf(String reference)
    {
        return reference == null ? null : reference.substring(reference.lastIndexOf('/') + 1);
    }

    private JsonNode listTasks(RequestContext context, JsonNode request)
    {
        PageRequest pageRequest = PageRequest.of(optionalInteger(request, "maxResults"), optionalString(request, "nextToken"));
        String desiredStatus = optionalString(request, "desiredStatus");
        if (desiredStatus != null && !desiredStatus.equals("RUNNING") && !desiredStatus.equals("STOPPED") && !desiredStatus.equals("PENDING")) {
            throw EcsException.invalidParameter("desiredStatus must be RUNNING, PENDING or STOPPED.");
        }
        // desiredStatus PENDING never occurs in Berth (tasks are created wanting RUNNING): it matches nothing
        if ("PENDING".equals(desiredStatus)) {
            ObjectNode response = JsonFields.object();
            response.putArray("taskArns");
            return response;
        }
        if (optionalString(request, "containerInstance") != null) {
            throw EcsException.invalidParameter("containerInstance is not supported: Berth runs tasks on hosts it manages itself (Fargate-style).");
        }
        TaskListFilter filter = new TaskListFilter(
                optionalString(request, "cluster"),
                optionalString(request, "family"),
                optionalString(request, "startedBy"),
                desiredStatus == null ? null : TaskStatus.valueOf(desiredStatus),
                serviceNameOf(optionalString(request, "serviceName")));
        Page<String> page = tasks.listArns(context.account().accountId(), context.region(), filter, pageRequest);
        ObjectNode response = JsonFields.object();
        response.set("taskArns", JsonFields.strings(page.items()));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }
}
