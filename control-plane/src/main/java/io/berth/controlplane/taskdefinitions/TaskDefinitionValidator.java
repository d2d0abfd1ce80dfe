package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.InvalidRequestException;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks ECS makes on RegisterTaskDefinition, with messages that say what to fix. */
final class TaskDefinitionValidator
{
    static final Pattern FAMILY = Pattern.compile("[a-zA-Z0-9_-]{1,255}");
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,255}");
    private static final Set<String> COMPATIBILITIES = Set.of("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES");
    private static final int MINIMUM_CONTAINER_MEMORY = 6;
    private static final int MAX_PORT = 65535;

    private TaskDefinitionValidator() {}

    static void checkFamily(String family)
    {
        if (family == null || family.isEmpty()) {
            throw InvalidRequestException.refused("Family cannot be null or empty.");
        }
        if (!FAMILY.matcher(family).matches()) {
            throw InvalidRequestException.refused("Family '" + family + "' is invalid: up to 255 letters (uppercase and lowercase), numbers, underscores and hyphens are allowed.");
        }
    }

    static String networkMode(String requested)
    {
        if (requested == null || requested.equals("awsvpc")) {
            return "awsvpc";
        }
        throw InvalidRequestException.refused("Berth runs every task in awsvpc network mode (its own network namespace and IP, as on Fargate); networkMode '"
                + requested + "' is not supported. Omit networkMode or set it to awsvpc.");
    }

    static void checkCompatibilities(List<String> compatibilities)
    {
        for (String compatibility : compatibilities) {
            if (!COMPATIBILITIES.contains(compatibility.toUpperCase(Locale.ROOT))) {
                throw InvalidRequestException.refused("Invalid requiresCompatibilities value '" + compatibility + "': use FARGATE.");
            }
        }
    }

    static void checkContainers(List<ContainerDefinition> containers)
    {
        if (containers.isEmpty()) {
            throw InvalidRequestException.refused("Container list cannot be empty.");
        }
        Set<String> names = new HashSet<>();
        for (ContainerDefinition container : containers) {
            if (container.name().isEmpty()) {
                throw InvalidRequestException.refused("Container.name should not be null or empty.");
            }
            if (!CONTAINER_NAME.matcher(container.name()).matches()) {
                throw InvalidRequestException.refused("Container name '" + container.name() + "' is invalid: up to 255 letters (uppercase and lowercase), numbers, underscores and hyphens are allowed.");
            }
            if (!names.add(container.name())) {
                throw InvalidRequestException.refused("Duplicate container name '" + container.name() + "': container names must be unique within a task definition.");
            }
            if (container.image().isBlank()) {
                throw InvalidRequestException.refused("Container.image should not be null or empty (container '" + container.name() + "').");
            }
            if (container.cpu() != null && container.cpu() < 0) {
                throw InvalidRequestException.refused("Invalid 'cpu' setting for container '" + container.name() + "': it must not be negative.");
            }
            if (container.memory() != null && container.memory() < MINIMUM_CONTAINER_MEMORY) {
                throw InvalidRequestException.refused("Invalid 'memory' setting for container '" + container.name() + "': the minimum is " + MINIMUM_CONTAINER_MEMORY + " MiB.");
            }
            if (container.memoryReservation() != null && container.memoryReservation() < MINIMUM_CONTAINER_MEMORY) {
                throw InvalidRequestException.refused("Invalid 'memoryReservation' setting for container '" + container.name() + "': the minimum is " + MINIMUM_CONTAINER_MEMORY + " MiB.");
            }
            if (container.memory() != null && container.memoryReservation() != null && container.memoryReservation() > container.memory()) {
                throw InvalidRequestException.refused("Invalid setting for container '" + container.name() + "': memoryReservation (" + container.memoryReservation()
                        + ") must be less than or equal to memory (" + container.memory() + ").");
            }
            ContainerLinuxRules.check(container);
            ContainerSecretRules.check(container);
            ContainerHealthCheckRules.healthCheck(container);
            ContainerLogRules.check(container);
            for (PortMapping mapping : container.portMappings()) {
                if (mapping.containerPort() != null && (mapping.containerPort() < 1 || mapping.containerPort() > MAX_PORT)) {
                    throw InvalidRequestException.refused("Invalid 'containerPort' " + mapping.containerPort() + " in the portMappings of container '"
                            + container.name() + "': ports are from 1 to " + MAX_PORT + ".");
                }
            }
        }
        if (containers.stream().noneMatch(ContainerDefinition::essential)) {
            throw InvalidRequestException.refused("Task definition must have at least one essential container.");
        }
        ContainerDependencyRules.check(containers);
    }

    /** Containers must fit in the task: cpu and memory of each, and their sums. */
    static void checkContainersFit(List<ContainerDefinition> containers, TaskSize size)
    {
        for (ContainerDefinition container : containers) {
            if (container.memory() != null && container.memory() > size.memory()) {
                throw InvalidRequestException.refused("The 'memory' setting for container '" + container.name() + "' (" + container.memory()
                        + " MiB) is greater than for the task (" + size.memory() + " MiB).");
            }
            if (container.cpu() != null && container.cpu() > size.cpu()) {
                throw InvalidRequestException.refused("The 'cpu' setting for container '" + container.name() + "' (" + container.cpu()
                        + ") is greater than for the task (" + size.cpu() + ").");
            }
        }
        long cpu = containersCpu(containers);
        long memory = containersMemory(containers);
        if (cpu > size.cpu()) {
            throw InvalidRequestException.refused("The containers' cpu adds up to " + cpu + ", more than the task's " + size.cpu() + ".");
        }
        if (memory > size.memory()) {
            throw InvalidRequestException.refused("The containers' memory adds up to " + memory + " MiB, more than the task's " + size.memory() + " MiB.");
        }
    }

    /** A long: the containers' values are ints each, and their sum must not wrap around. */
    static long containersCpu(List<ContainerDefinition> containers)
    {
        return containers.stream().mapToLong(container -> container.cpu() == null ? 0 : container.cpu()).sum();
    }

    /** What each container may need at least: its hard limit, else its reservation. */
    static long containersMemory(List<ContainerDefinition> containers)
    {
        return containers.stream()
                .mapToLong(container -> container.memory() != null ? container.memory() : container.memoryReservation() != null ? container.memoryReservation() : 0)
                .sum();
    }
}
