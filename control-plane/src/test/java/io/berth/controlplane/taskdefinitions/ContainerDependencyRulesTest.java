package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.ContainerDependency;
import io.berth.common.agentprotocol.ContainerDependency.Condition;
import io.berth.controlplane.resources.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerDependencyRulesTest
{
    private static ContainerDefinition container(String name, boolean essential, Map<String, Object>... dependencies)
    {
        Map<String, Object> other = dependencies.length == 0 ? Map.of() : Map.of("dependsOn", List.of(dependencies));
        return new ContainerDefinition(name, "image", null, null, null, essential, null, null, null, null, null, null, other);
    }

    private static Map<String, Object> on(String name, String condition)
    {
        return Map.of("containerName", name, "condition", condition);
    }

    @Test
    void readsTheConditions()
    {
        ContainerDefinition app = container("app", true, on("init", "SUCCESS"), on("proxy", "START"));

        assertThat(ContainerDependencyRules.dependencies(app)).containsExactly(
                new ContainerDependency("init", Condition.SUCCESS), new ContainerDependency("proxy", Condition.START));
        ContainerDependencyRules.check(List.of(container("init", false), container("proxy", false), app));
    }

    @Test
    void refusesAnUnknownContainer()
    {
        assertThatThrownBy(() -> ContainerDependencyRules.check(List.of(container("app", true, on("db", "START")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Container 'app' depends on container 'db', which is not in the task definition. Containers are: app.");
    }

    @Test
    void refusesACycle()
    {
        List<ContainerDefinition> containers = List.of(
                container("a", true, on("b", "START")),
                container("b", true, on("c", "START")),
                container("c", true, on("a", "START")));

        assertThatThrownBy(() -> ContainerDependencyRules.check(containers))
                .hasMessageContaining("cycle: a -> b -> c -> a");
    }

    @Test
    void refusesHealthyOnAContainerWithoutAHealthCheck()
    {
        assertThatThrownBy(() -> ContainerDependencyRules.check(List.of(container("db", true), container("app", true, on("db", "HEALTHY")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Container 'app' depends on 'db' with condition HEALTHY, but 'db' has no healthCheck: give it one, or use START, COMPLETE or SUCCESS.");
    }

    @Test
    void acceptsHealthyOnAContainerWithAHealthCheck()
    {
        ContainerDefinition db = new ContainerDefinition("db", "image", null, null, null, true, null, null, null, null, null, null,
                Map.of("healthCheck", Map.of("command", List.of("CMD", "true"))));

        ContainerDependencyRules.check(List.of(db, container("app", true, on("db", "HEALTHY"))));
    }

    @Test
    void refusesCompleteOrSuccessOnAnEssentialContainer()
    {
        assertThatThrownBy(() -> ContainerDependencyRules.check(List.of(container("init", true), container("app", true, on("init", "SUCCESS")))))
                .hasMessageContaining("essential=false");
    }

    @Test
    void refusesAnUnknownCondition()
    {
        assertThatThrownBy(() -> ContainerDependencyRules.check(List.of(container("db", true), container("app", true, on("db", "READY")))))
                .hasMessageContaining("Invalid dependsOn condition 'READY'");
    }
}
