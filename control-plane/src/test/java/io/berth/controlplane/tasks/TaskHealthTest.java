package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerHealthCheck;
import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.HealthStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.berth.common.agentprotocol.HealthStatus.HEALTHY;
import static io.berth.common.agentprotocol.HealthStatus.UNHEALTHY;
import static io.berth.common.agentprotocol.HealthStatus.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

class TaskHealthTest
{
    private static final ContainerHealthCheck CHECK = new ContainerHealthCheck(List.of("CMD", "true"), 30, 5, 3, 0);

    private static TaskContainer container(boolean essential, boolean withCheck, HealthStatus status)
    {
        ContainerSpec spec = new ContainerSpec("c", "img", null, null, null, null, null, essential, null, null, null, List.of(), ContainerLinuxOptions.DEFAULT,
                withCheck ? CHECK : null);
        return new TaskContainer("arn", spec, null, TaskStatus.RUNNING, null, null, null, status);
    }

    @Test
    void unhealthyWhenAnyEssentialContainerIs()
    {
        assertThat(TaskHealth.of(List.of(container(true, true, HEALTHY), container(true, true, UNHEALTHY)))).isEqualTo(UNHEALTHY);
    }

    @Test
    void healthyWhenEveryEssentialContainerWithACheckIs()
    {
        assertThat(TaskHealth.of(List.of(container(true, true, HEALTHY), container(true, false, UNKNOWN)))).isEqualTo(HEALTHY);
    }

    @Test
    void unknownWhileAnEssentialCheckHasNotPassed()
    {
        assertThat(TaskHealth.of(List.of(container(true, true, HEALTHY), container(true, true, UNKNOWN)))).isEqualTo(UNKNOWN);
    }

    @Test
    void nonEssentialContainersAndContainersWithoutChecksDoNotCount()
    {
        assertThat(TaskHealth.of(List.of(container(true, true, HEALTHY), container(false, true, UNHEALTHY)))).isEqualTo(HEALTHY);
        assertThat(TaskHealth.of(List.of(container(true, false, UNKNOWN)))).isEqualTo(UNKNOWN);
    }
}
