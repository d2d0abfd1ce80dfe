package io.berth.controlplane.tasks;

import io.berth.common.agentprotocol.ContainerLinuxOptions;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.VolumeMount;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.ContainerDependencyRules;
import io.berth.controlplane.taskdefinitions.ContainerHealthCheckRules;
import io.berth.controlplane.taskdefinitions.ContainerLinuxRules;
import io.berth.controlplane.taskdefinitions.EnvironmentVariable;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.taskdefinitions.FargateTaskSizes;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskSize;
import io.berth.controlplane.taskdefinitions.TaskVolumeRules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a task runs: the task definition with RunTask's overrides applied. An override's command replaces the
 * definition's; its environment adds to the definition's, winning on equal names; cpu, memory and ephemeralStorage
 * replace.
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

    /** The task's writable storage: the override's, else the definition's, else the default 20 GiB. */
    public static EphemeralStorage ephemeralStorage(TaskDefinition definition, TaskOverrides overrides)
    {
        return overrides.ephemeralStorage() != null ? overrides.ephemeralStorage() : definition.ephemeralStorage();
    }

    /**
     * The containers to run, checked against the task size after the overrides: each container's cpu and
     * memory (hard limit, at least 6 MiB) and memoryReservation (at most memory), and their sums.
     */
    public static List<ContainerSpec> containers(TaskDefinition definition, TaskOverrides overrides, TaskSize size)
    {
        List<ContainerSpec> specs = containers(definition, overrides);
        ContainerSizeRules.check(specs, size);
        return specs;
    }

    public static List<ContainerSpec> containers(TaskDefinition definition, TaskOverrides overrides)
    {
        Set<String> names = definition.containerDefinitions().stream().map(ContainerDefinition::name).collect(Collectors.toSet());
        for (ContainerOverride override : overrides.containerOverrides()) {
            ContainerSizeRules.checkOverride(override);
            if (!names.contains(override.name())) {
                throw InvalidRequestException.invalidValue("Override for container named " + override.name()
                        + " is not a container in the TaskDefinition. Containers are: " + String.join(", ", names.stream().sorted().toList()) + ".");
            }
        }
        Map<String, ContainerOverride> overridesByName = overrides.containerOverrides().stream()
                .collect(Collectors.toMap(ContainerOverride::name, Function.identity(), (first, second) -> {
                    throw InvalidRequestException.invalidValue("More than one override for container " + first.name() + ".");
                }));
        Map<String, List<VolumeMount>> mounts = TaskVolumeRules.mounts(definition.otherFields(), definition.containerDefinitions());
        return definition.containerDefinitions().stream()
                .map(container -> merge(container, overridesByName.get(container.name()), mounts.get(container.name())))
                .toList();
    }

    /** The memoryReservation after the override, kept on the task to echo it (the agent gets it in the spec). */
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
        return merge(container, override, List.of());
    }

    /** mounts: the container's task volumes, volumesFrom resolved (see {@link TaskVolumeRules}). */
    static ContainerSpec merge(ContainerDefinition container, ContainerOverride override, List<VolumeMount> mounts)
    {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvironmentVariable variable : container.environment()) {
            environment.put(variable.name(), variable.value());
        }
        List<String> command = container.command();
        Integer cpu = container.cpu();
        Integer memory = container.memory();
        Integer memoryReservation = container.memoryReservation();
        if (override != null) {
            if (override.environment() != null) {
                override.environment().forEach(variable -> environment.put(variable.name(), variable.value()));
            }
            command = override.command() != null ? override.command() : command;
            cpu = override.cpu() != null ? override.cpu() : cpu;
            memory = override.memory() != null ? override.memory() : memory;
            memoryReservation = override.memoryReservation() != null ? override.memoryReservation() : memoryReservation;
        }
        ContainerLinuxOptions linux = ContainerLinuxRules.check(container);
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
                ContainerDependencyRules.dependencies(container),
                new ContainerLinuxOptions(linux.readonlyRootFilesystem(), linux.initProcessEnabled(), linux.addCapabilities(),
                        linux.dropCapabilities(), linux.ulimits(), memoryReservation),
                ContainerHealthCheckRules.healthCheck(container),
                null,
                mounts);
    }
}
