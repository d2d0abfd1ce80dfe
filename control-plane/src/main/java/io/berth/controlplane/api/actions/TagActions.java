package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.tagging.ResourceTagging;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static java.util.Objects.requireNonNull;

/** ListTagsForResource, TagResource and UntagResource, for every resource type {@link ResourceTagging} knows. */
public final class TagActions
{
    private final ResourceTagging tagging;

    public TagActions(ResourceTagging tagging)
    {
        this.tagging = requireNonNull(tagging, "tagging is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("ListTagsForResource", this::listTagsForResource),
                new SimpleEcsAction("TagResource", this::tagResource),
                new SimpleEcsAction("UntagResource", this::untagResource));
    }

    private JsonNode listTagsForResource(RequestContext context, JsonNode request)
    {
        List<Tag> tags = tagging.list(context.account().accountId(), optionalString(request, "resourceArn"));
        ObjectNode response = JsonFields.object();
        response.set("tags", TaskDefinitionWire.tagsToJson(tags));
        return response;
    }

    private JsonNode tagResource(RequestContext context, JsonNode request)
    {
        List<Tag> tags = TaskDefinitionWire.tags(request);
        if (tags == null) {
            throw EcsException.invalidParameter("tags is required: give [{\"key\": \"team\", \"value\": \"a\"}].");
        }
        tagging.tag(context.account().accountId(), optionalString(request, "resourceArn"), tags);
        return JsonFields.object();
    }

    private JsonNode untagResource(RequestContext context, JsonNode request)
    {
        List<String> keys = optionalStrings(request, "tagKeys");
        if (keys == null) {
            throw EcsException.invalidParameter("tagKeys is required: give the keys of the tags to remove.");
        }
        tagging.untag(context.account().accountId(), optionalString(request, "resourceArn"), keys);
        return JsonFields.object();
    }
}
