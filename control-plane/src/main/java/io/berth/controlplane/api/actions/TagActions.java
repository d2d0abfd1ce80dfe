package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.taskdefinitions.TaskDefinitionService;
import io.berth.controlplane.tasks.TaskService;

import java.util.List;
import java.util.Optional;

import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static java.util.Objects.requireNonNull;

/**
 * ListTagsForResource for the resources that carry tags: tasks, task definitions, and clusters (which have none:
 * CreateCluster refuses tags). Tags are fixed at creation: TagResource and UntagResource do not exist yet, so
 * they are unknown actions, not accepted ones. An ARN of another account is not found, as any resource of it.
 */
public final class TagActions
{
    private final ClusterService clusters;
    private final TaskDefinitionService taskDefinitions;
    private final TaskService tasks;

    public TagActions(ClusterService clusters, TaskDefinitionService taskDefinitions, TaskService tasks)
    {
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.taskDefinitions = requireNonNull(taskDefinitions, "taskDefinitions is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(new SimpleEcsAction("ListTagsForResource", this::listTagsForResource));
    }

    private JsonNode listTagsForResource(RequestContext context, JsonNode request)
    {
        String accountId = context.account().accountId();
        String resourceArn = optionalString(request, "resourceArn");
        if (resourceArn == null || resourceArn.isEmpty()) {
            throw EcsException.invalidParameter("resourceArn is required: give the ARN of a task, task definition or cluster.");
        }
        Arns.Arn arn = Arns.parse(resourceArn)
                .orElseThrow(() -> EcsException.invalidParameter("Invalid resourceArn '" + resourceArn + "': give the ARN of a task, task definition or cluster."));
        Optional<List<Tag>> tags = !arn.accountId().equals(accountId) ? Optional.empty() : switch (arn.resourceType()) {
            case "task" -> tasks.find(accountId, null, resourceArn).filter(task -> task.arn().equals(resourceArn)).map(task -> task.tags());
            case "task-definition" -> taskDefinitions.findByReference(accountId, resourceArn).map(definition -> definition.tags());
            case "cluster" -> clusters.describe(accountId, context.region(), List.of(resourceArn)).found().isEmpty() ? Optional.empty() : Optional.of(List.of());
            default -> throw EcsException.invalidParameter("ListTagsForResource: resource type '" + arn.resourceType()
                    + "' is not supported; give the ARN of a task, task definition or cluster.");
        };
        ObjectNode response = JsonFields.object();
        response.set("tags", TaskDefinitionWire.tagsToJson(tags.orElseThrow(
                () -> EcsException.invalidParameter("The specified resource was not found: " + resourceArn + "."))));
        return response;
    }
}
