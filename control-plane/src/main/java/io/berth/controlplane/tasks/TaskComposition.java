package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.ContainerDependencyRules;
import io.berth.controlplane.taskdefinitions.EnvironmentVariable;
import io.berth.controlplane.taskdefinitions.FargateTaskSizes;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskSize;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a task runs: the task definition with RunTask's overrides applied. An override's command replaces the
 * definition's; its environment adds to the definition's, winning on equal names; cpu and memory replace.
 */
public final class TaskComposition
{
    private TaskComposition() {}

    /** The task size after overrides.cpu/overrides.memory, checked against the Fargate table. */
    public static TaskSize size(TaskDefinition definition, TaskOverrides overrides)
    {
        Integer cpu = TaskSize.parseCpu(overrides.cpu());
        Integer memory = TaskSize.parseMemory(overrides.memory());
        TaskSize size = new TaskSize(cpu == null ? definition.cpu() : cpu, memory == null ? definition.memory() : memory);
        FargateTaskSizes.check(size);
        return size;
    }

    public static List<ContainerSpec> containers(TaskDefinition definition, TaskOverrides overrides)
    {
        Set<String> names = definition.containerDefinitions().stream().map(ContainerDefinition::name).collect(Collectors.toSet());
        for (ContainerOverride override : overrides.containerOverrides()) {
            if (!names.contains(override.name())) {
                throw EcsException.invalidParameter("Override for container named " + override.name()
                        + " is not a container in the TaskDefinition. Containers are: " + String.join(", ", names.stream().sorted().toList()) + ".");
            }
        }
        Map<String, ContainerOverride> overridesByName = overrides.containerOverrides().stream()
                .collect(Collectors.toMap(ContainerOverride::name, Function.identity(), (first, second) -> {
                    throw EcsException.invalidParameter("More than one override for container " + first.name() + ".");
                }));
        return definition.containerDefinitions().stream()
                .map(container -> merge(container, overridesByName.get(container.name())))
                .toList();
    }

    /** memoryReservation is not part of what the agent runs; keep the overridden value to echo it. */
    public static Integer memoryReservation(ContainerDefinition container, TaskOverrides overrides)
    {
        return overrides.containerOverrides().stream()
                .filter(override -> override.name().equals(container.name()) && override.memoryReservation() != null)
                .map(ContainerOverride::memoryReservation)
                .findFirst()
                .orElse(container.memoryReservation());
    }

    static ContainerSpec merge(ContainerDefinition container, ContainerOverride override)
    {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvironmentVariable variable : container.environment()) {
            environment.put(variable.name(), variable.value());
        }
        List<String> command = container.command();
        Integer cpu = container.cpu();
        Integer memory = container.memory();
        if (override != null) {
            if (override.environment() != null) {
                override.environment().forEach(variable -> environment.put(variable.name(), variable.value()));
            }
            command = override.command() != null ? override.command() : command;
            cpu = override.cpu() != null ? override.cpu() : cpu;
            memory = override.memory() != null ? override.memory() : memory;
        }
        return new ContainerSpec(
                container.name(),
                container.image(),
                container.entryPoint(),
                command,
                environment,
                container.workingDirectory(),
                container.user(),
                container.essential(),
                cpu,
                memory,
                container.stopTimeout(),
                ContainerDependencyRules.dependencies(container));
    }
}
