package io.berth.controlplane.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.common.json.Json;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tags a new task gets from RunTask's tagging fields, and their place in the task's stored JSON body. */
class TaskTagsTest
{
    private static final List<Tag> DEFINITION_TAGS = List.of(new Tag("team", "definition"), new Tag("berth:isolation", "sandbox"));

    @Test
    void ownTagsComeFirstAndWinOverPropagatedOnesAndTheManagedTagComesLast()
    {
        TaskTagging tagging = new TaskTagging(List.of(new Tag("team", "task"), new Tag("env", "prod")), "TASK_DEFINITION", true);

        assertThat(TaskTags.of(tagging, DEFINITION_TAGS, "prod")).containsExactly(new Tag("team", "task"), new Tag("env", "prod"),
                new Tag("berth:isolation", "sandbox"), new Tag("aws:ecs:clusterName", "prod"));
        assertThat(TaskTags.of(new TaskTagging(List.of(), "NONE", false), DEFINITION_TAGS, "prod")).isEmpty();
        assertThat(TaskTags.of(TaskTagging.NONE, DEFINITION_TAGS, "prod")).isEmpty();
    }

    @Test
    void whatCannotBeHonouredIsRefusedBeforeAnythingIsStored()
    {
        assertInvalid(new TaskTagging(List.of(), "SERVICE", false), "propagateTags SERVICE");
        assertInvalid(new TaskTagging(List.of(), "task_definition", false), "propagateTags");
        assertInvalid(new TaskTagging(List.of(new Tag("AWS:x", "")), null, false), "aws:");
        assertInvalid(new TaskTagging(List.of(new Tag("Berth:isolation", "sandbox")), null, false), "berth:");
        TaskTags.check(new TaskTagging(List.of(new Tag("env", "prod")), "TASK_DEFINITION", true));
    }

    @Test
    void tagsSurviveTheStoredBodyAndOlderBodiesHaveNone()
            throws Exception
    {
        Task task = task(List.of(new Tag("env", "prod"), new Tag("aws:ecs:clusterName", "default")));
        String body = Json.mapper().writeValueAsString(task);

        assertThat(Json.mapper().readValue(body, Task.class)).isEqualTo(task);
        assertThat(Json.mapper().readValue(body, Task.class).withState(task.state()).tags()).isEqualTo(task.tags());

        ObjectNode older = (ObjectNode) Json.mapper().readTree(body);
        older.remove("tags");
        assertThat(Json.mapper().treeToValue(older, Task.class).tags()).isEmpty();
    }

    private static void assertInvalid(TaskTagging tagging, String messagePart)
    {
        assertThatThrownBy(() -> TaskTags.check(tagging))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.INVALID_VALUE))
                .hasMessageContaining(messagePart);
    }

    private static Task task(List<Tag> tags)
    {
        TaskState state = new TaskState(TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null, List.of(), 1, null);
        return new Task("123456789012", "0123456789abcdef0123456789abcdef", "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef",
                "default", "arn:aws:ecs:us-east-1:123456789012:cluster/default", "arn:td", "family", 256, 512, TaskOverrides.NONE, null, "family:family",
                "FARGATE", "1.4.0", "us-east-1a", Map.of(), Instant.parse("2024-05-01T00:00:00Z"), state, PlacementOptions.NONE, EphemeralStorage.DEFAULT,
                IsolationTier.CONTAINER, tags);
    }
}
