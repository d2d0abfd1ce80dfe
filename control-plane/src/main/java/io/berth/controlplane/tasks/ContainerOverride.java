package io.berth.controlplane.tasks;

import io.berth.controlplane.taskdefinitions.EnvironmentVariable;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** RunTask's change to one container: a null field keeps the task definition's value. */
public record ContainerOverride(
        String name,
        List<String> command,
        List<EnvironmentVariable> environment,
        Integer cpu,
        Integer memory,
        Integer memoryReservation)
{
    public ContainerOverride
    {
        requireNonNull(name, "name is null");
        command = command == null ? null : List.copyOf(command);
        environment = environment == null ? null : List.copyOf(environment);
    }
}
