package io.berth.controlplane.taskdefinitions;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One container of a task definition. Fields Berth does not act on yet (logConfiguration, ...)
 * are kept in otherFields and echoed back unchanged, so existing definitions round-trip. The sandbox fields it
 * does act on (readonlyRootFilesystem, linuxParameters, ulimits, stopTimeout) are kept there too, so that they
 * echo exactly as given; {@link ContainerLinuxRules} reads and checks them. So is healthCheck, which
 * {@link ContainerHealthCheckRules} reads and checks.
 */
public record ContainerDefinition(
        String name,
        String image,
        Integer cpu,
        Integer memory,
        Integer memoryReservation,
        boolean essential,
        List<String> entryPoint,
        List<String> command,
        List<EnvironmentVariable> environment,
        String workingDirectory,
        String user,
        List<PortMapping> portMappings,
        Map<String, Object> otherFields)
{
    public ContainerDefinition
    {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        entryPoint = entryPoint == null ? null : List.copyOf(entryPoint);
        command = command == null ? null : List.copyOf(command);
        environment = environment == null ? List.of() : List.copyOf(environment);
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        otherFields = otherFields == null ? Map.of() : Map.copyOf(otherFields);
    }

    /** ECS's stopTimeout: seconds between SIGTERM and SIGKILL when the task stops; null for the default. */
    public Integer stopTimeout()
    {
        return ContainerLinuxRules.stopTimeout(otherFields, name);
    }
}
