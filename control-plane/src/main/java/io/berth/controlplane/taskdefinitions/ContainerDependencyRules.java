package io.berth.controlplane.taskdefinitions;

import io.berth.common.agentprotocol.ContainerDependency;
import io.berth.common.agentprotocol.ContainerDependency.Condition;
import io.berth.controlplane.resources.InvalidRequestException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ECS's container dependsOn: how it is read from a container definition, and the checks RegisterTaskDefinition
 * makes on it (known containers, no cycles, COMPLETE and SUCCESS only on non-essential containers, HEALTHY only on
 * containers with a healthCheck).
 */
public final class ContainerDependencyRules
{
    private ContainerDependencyRules() {}

    /** The container's dependsOn entries; a malformed entry is a ClientException saying what to fix. */
    public static List<ContainerDependency> dependencies(ContainerDefinition container)
    {
        Object raw = container.otherFields().get("dependsOn");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> entries)) {
            throw InvalidRequestException.refused("dependsOn of container '" + container.name() + "' must be a list of {containerName, condition}.");
        }
        List<ContainerDependency> dependencies = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> fields) || !(fields.get("containerName") instanceof String name) || name.isEmpty()) {
                throw InvalidRequestException.refused("Every dependsOn entry of container '" + container.name() + "' needs a containerName.");
            }
            if (!(fields.get("condition") instanceof String condition)) {
                throw InvalidRequestException.refused("The dependsOn entry for '" + name + "' in container '" + container.name()
                        + "' needs a condition: START, COMPLETE, SUCCESS or HEALTHY.");
            }
            dependencies.add(new ContainerDependency(name, condition(container.name(), name, condition)));
        }
        return dependencies;
    }

    static void check(List<ContainerDefinition> containers)
    {
        Map<String, ContainerDefinition> byName = new HashMap<>();
        containers.forEach(container -> byName.put(container.name(), container));
        Map<String, List<String>> edges = new HashMap<>();
        for (ContainerDefinition container : containers) {
            List<String> targets = new ArrayList<>();
            for (ContainerDependency dependency : dependencies(container)) {
                String target = dependency.containerName();
                if (target.equals(container.name())) {
                    throw InvalidRequestException.refused("Container '" + container.name() + "' cannot depend on itself.");
                }
                ContainerDefinition dependedOn = byName.get(target);
                if (dependedOn == null) {
                    throw InvalidRequestException.refused("Container '" + container.name() + "' depends on container '" + target
                            + "', which is not in the task definition. Containers are: " + String.join(", ", containers.stream().map(ContainerDefinition::name).toList()) + ".");
                }
                if (dependency.condition() == Condition.HEALTHY && ContainerHealthCheckRules.healthCheck(dependedOn) == null) {
                    throw InvalidRequestException.refused("Container '" + container.name() + "' depends on '" + target
                            + "' with condition HEALTHY, but '" + target + "' has no healthCheck: give it one, or use START, COMPLETE or SUCCESS.");
                }
                if ((dependency.condition() == Condition.COMPLETE || dependency.condition() == Condition.SUCCESS) && dependedOn.essential()) {
                    throw InvalidRequestException.refused("Container '" + container.name() + "' depends on essential container '" + target + "' with condition "
                            + dependency.condition() + ": an essential container's exit stops the task, so mark '" + target + "' essential=false or use START.");
                }
                targets.add(target);
            }
            edges.put(container.name(), targets);
        }
        for (ContainerDefinition container : containers) {
            List<String> cycle = cycleFrom(container.name(), edges, new ArrayList<>(), new HashSet<>());
            if (cycle != null) {
                throw InvalidRequestException.refused("The containers' dependsOn form a cycle: " + String.join(" -> ", cycle) + ". Remove one of these dependencies.");
            }
        }
    }

    private static List<String> cycleFrom(String name, Map<String, List<String>> edges, List<String> path, Set<String> finished)
    {
        int seen = path.indexOf(name);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(name);
            return cycle;
        }
        if (finished.contains(name)) {
            return null;
        }
        path.add(name);
        for (String target : edges.getOrDefault(name, List.of())) {
            List<String> cycle = cycleFrom(target, edges, path, finished);
            if (cycle != null) {
                return cycle;
            }
        }
        path.removeLast();
        finished.add(name);
        return null;
    }

    private static Condition condition(String container, String target, String condition)
    {
        try {
            return Condition.valueOf(condition.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw InvalidRequestException.refused("Invalid dependsOn condition '" + condition + "' for '" + target + "' in container '" + container
                    + "': use START, COMPLETE, SUCCESS or HEALTHY.");
        }
    }
}
