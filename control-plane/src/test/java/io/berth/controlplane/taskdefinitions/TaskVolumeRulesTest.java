package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.VolumeMount;
import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskVolumeRulesTest
{
    private static final Map<String, Object> ONE_VOLUME = Map.of("volumes", List.of(Map.of("name", "data")));

    @Test
    void volumesFromTakesEveryMountOfTheSourceReadOnlyWhenAskedAndOwnMountsWin()
    {
        ContainerDefinition writer = container("writer", Map.of("mountPoints", List.of(
                Map.of("sourceVolume", "data", "containerPath", "/data/"),
                Map.of("sourceVolume", "data", "containerPath", "/cache", "readOnly", true))));
        ContainerDefinition viewer = container("viewer", Map.of("volumesFrom", List.of(Map.of("sourceContainer", "writer", "readOnly", true))));
        ContainerDefinition chained = container("chained", Map.of(
                "volumesFrom", List.of(Map.of("sourceContainer", "viewer")),
                "mountPoints", List.of(Map.of("sourceVolume", "data", "containerPath", "/data"))));

        Map<String, List<VolumeMount>> mounts = TaskVolumeRules.mounts(ONE_VOLUME, List.of(writer, viewer, chained));

        assertThat(mounts.get("writer")).containsExactly(new VolumeMount("data", "/data", false), new VolumeMount("data", "/cache", true));
        assertThat(mounts.get("viewer")).containsExactly(new VolumeMount("data", "/data", true), new VolumeMount("data", "/cache", true));
        assertThat(mounts.get("chained")).containsExactly(new VolumeMount("data", "/data", false), new VolumeMount("data", "/cache", true));
    }

    @Test
    void refusals()
    {
        assertRefused(ONE_VOLUME, container("a", Map.of("volumesFrom", List.of(Map.of("sourceContainer", "a")))), "cannot name the container itself");
        assertRefused(ONE_VOLUME, container("a", Map.of("mountPoints", List.of(Map.of("sourceVolume", "data", "containerPath", "/x/../etc")))), "'..'");
        assertRefused(ONE_VOLUME, container("a", Map.of("mountPoints", List.of(Map.of("sourceVolume", "data", "containerPath", "/")))), "at '/'");
        assertRefused(ONE_VOLUME, container("a", Map.of("mountPoints", List.of(Map.of("sourceVolume", "data")))), "needs a 'containerPath'");
        assertRefused(Map.of("volumes", List.of(Map.of("name", "data"), Map.of("name", "data"))), container("a", Map.of()), "Duplicate volume name 'data'");
        assertRefused(Map.of("volumes", List.of(Map.of("name", "bad name"))), container("a", Map.of()), "Invalid volume name 'bad name'");
        assertRefused(Map.of("volumes", List.of(Map.of("name", "v", "host", Map.of("sourcePath", "/etc")))), container("a", Map.of()),
                "Fargate compatible task definitions do not support sourcePath");
        assertThatThrownBy(() -> TaskVolumeRules.check(ONE_VOLUME, List.of(
                container("a", Map.of("volumesFrom", List.of(Map.of("sourceContainer", "b")))),
                container("b", Map.of("volumesFrom", List.of(Map.of("sourceContainer", "a")))))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("in a cycle");
    }

    @Test
    void anEmptyHostIsATaskVolume()
    {
        Map<String, Object> fields = Map.of("volumes", List.of(Map.of("name", "data", "host", Map.of())));

        assertThat(TaskVolumeRules.mounts(fields, List.of(container("a", Map.of("mountPoints", List.of(Map.of("sourceVolume", "data", "containerPath", "/d")))))))
                .containsEntry("a", List.of(new VolumeMount("data", "/d", false)));
    }

    private static void assertRefused(Map<String, Object> taskFields, ContainerDefinition container, String message)
    {
        assertThatThrownBy(() -> TaskVolumeRules.check(taskFields, List.of(container)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining(message);
    }

    private static ContainerDefinition container(String name, Map<String, Object> otherFields)
    {
        return new ContainerDefinition(name, "busybox", null, null, null, true, null, null, null, null, null, null, otherFields);
    }
}
