package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.EnvironmentVariable;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskSize;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskCompositionTest
{
    private static final TaskDefinition DEFINITION = new TaskDefinition(
            "111111111111", "arn:aws:ecs:us-east-1:111111111111:task-definition/web:1", "web", 1, TaskDefinition.Status.ACTIVE,
            List.of(
                    new ContainerDefinition("app", "registry/app:1", 128, 256, null, true, List.of("/bin/sh", "-c"), List.of("serve"),
                            List.of(new EnvironmentVariable("MODE", "prod"), new EnvironmentVariable("PORT", "80")), "/srv", "nobody", List.of(), Map.of()),
                    new ContainerDefinition("sidecar", "registry/sidecar:1", null, null, 64, false, null, null, List.of(), null, null, List.of(), Map.of())),
            512, 1024, "awsvpc", null, null, List.of("FARGATE"), Map.of(), Instant.EPOCH, null);

    @Test
    void withoutOverridesTheDefinitionRuns()
    {
        List<ContainerSpec> specs = TaskComposition.containers(DEFINITION, TaskOverrides.NONE);
        assertThat(specs).containsExactly(
                new ContainerSpec("app", "registry/app:1", List.of("/bin/sh", "-c"), List.of("serve"), Map.of("MODE", "prod", "PORT", "80"), "/srv", "nobody", true, 128, 256, null),
                new ContainerSpec("sidecar", "registry/sidecar:1", null, null, Map.of(), null, null, false, null, null, null, List.of(),
                        new ContainerLinuxOptions(false, false, List.of(), List.of(), List.of(), 64)));
        assertThat(TaskComposition.size(DEFINITION, TaskOverrides.NONE)).isEqualTo(new TaskSize(512, 1024));
    }

    @Test
    void overridesReplaceCommandAndMergeEnvironment()
    {
        TaskOverrides overrides = new TaskOverrides(
                List.of(new ContainerOverride("app", List.of("migrate"), List.of(new EnvironmentVariable("MODE", "test"), new EnvironmentVariable("EXTRA", "1")), 256, 512, 300)),
                null, null, null, null);
        ContainerSpec app = TaskComposition.containers(DEFINITION, overrides).getFirst();
        assertThat(app.command()).containsExactly("migrate");
        assertThat(app.entryPoint()).containsExactly("/bin/sh", "-c");
        assertThat(app.environment()).isEqualTo(Map.of("MODE", "test", "PORT", "80", "EXTRA", "1"));
        assertThat(app.cpu()).isEqualTo(256);
        assertThat(app.memoryMiB()).isEqualTo(512);
        assertThat(app.linux().memoryReservationMiB()).as("the override's soft limit reaches the agent").isEqualTo(300);
        assertThat(TaskComposition.memoryReservation(DEFINITION.containerDefinitions().getFirst(), overrides)).isEqualTo(300);
    }

    @Test
    void overridesMustFitTheTask()
    {
        TaskOverrides tooBig = new TaskOverrides(List.of(new ContainerOverride("app", null, null, null, 2048, null)), null, null, null, null);
        assertThatThrownBy(() -> TaskComposition.containers(DEFINITION, tooBig, new TaskSize(512, 1024)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.REFUSED))
                .hasMessageContaining("'memory'")
                .hasMessageContaining("1024 MiB");
        TaskOverrides reservationAboveLimit = new TaskOverrides(List.of(new ContainerOverride("app", null, null, null, 128, 256)), null, null, null, null);
        assertThatThrownBy(() -> TaskComposition.containers(DEFINITION, reservationAboveLimit, new TaskSize(512, 1024)))
                .hasMessageContaining("memoryReservation (256)");
        TaskOverrides sumTooBig = new TaskOverrides(List.of(new ContainerOverride("app", null, null, null, 600, null),
                new ContainerOverride("sidecar", null, null, null, 600, null)), null, null, null, null);
        assertThatThrownBy(() -> TaskComposition.containers(DEFINITION, sumTooBig, new TaskSize(512, 1024)))
                .hasMessageContaining("adds up to 1200 MiB");
    }

    @Test
    void overrideOfAnUnknownContainerIsRefused()
    {
        TaskOverrides overrides = new TaskOverrides(List.of(new ContainerOverride("db", List.of("x"), null, null, null, null)), null, null, null, null);
        assertThatThrownBy(() -> TaskComposition.containers(DEFINITION, overrides))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.kind()).isEqualTo(InvalidRequestException.Kind.INVALID_VALUE))
                .hasMessageContaining("db")
                .hasMessageContaining("app, sidecar");
    }

    @Test
    void taskSizeOverridesAreCheckedAgainstFargate()
    {
        assertThat(TaskComposition.size(DEFINITION, new TaskOverrides(List.of(), "1 vCPU", "4 GB", null, null))).isEqualTo(new TaskSize(1024, 4096));
        assertThat(TaskComposition.size(DEFINITION, new TaskOverrides(List.of(), null, "4096", null, null))).isEqualTo(new TaskSize(512, 4096));
        assertThatThrownBy(() -> TaskComposition.size(DEFINITION, new TaskOverrides(List.of(), "4096", null, null, null)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Invalid memory value 1024 MiB")
                .hasMessageContaining("8192, 9216, 10240");
    }
}
