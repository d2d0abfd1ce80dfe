package io.berth.controlplane.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A task's ephemeral storage in its stored JSON body: kept through a round trip, the default for tasks stored before it existed. */
class TaskEphemeralStorageTest
{
    @Test
    void theSizeSurvivesTheStoredBodyAndOlderBodiesGetTheDefault()
            throws Exception
    {
        Task task = task(new EphemeralStorage(21));
        String body = Json.mapper().writeValueAsString(task);

        assertThat(Json.mapper().readValue(body, Task.class)).isEqualTo(task);
        assertThat(Json.mapper().readValue(body, Task.class).withState(task.state()).ephemeralStorage().sizeInGiB()).isEqualTo(21);

        ObjectNode older = (ObjectNode) Json.mapper().readTree(body);
        older.remove("ephemeralStorage");
        assertThat(Json.mapper().treeToValue(older, Task.class).ephemeralStorage()).isEqualTo(EphemeralStorage.DEFAULT);
    }

    @Test
    void aSizeOutsideWhatATaskCanHaveIsAProgrammingError()
    {
        assertThatThrownBy(() -> new EphemeralStorage(19)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EphemeralStorage(201)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new EphemeralStorage(20)).isEqualTo(EphemeralStorage.DEFAULT);
    }

    private static Task task(EphemeralStorage storage)
    {
        TaskState state = new TaskState(TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null, List.of(), 1, null);
        return new Task("123456789012", "0123456789abcdef0123456789abcdef", "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef",
                "default", "arn:aws:ecs:us-east-1:123456789012:cluster/default", "arn:td", "family", 256, 512,
                new TaskOverrides(List.of(), null, null, null, null, storage), null, "family:family", "FARGATE", "1.4.0", "us-east-1a", Map.of(),
                Instant.parse("2024-05-01T00:00:00Z"), state, PlacementOptions.NONE, storage);
    }
}
