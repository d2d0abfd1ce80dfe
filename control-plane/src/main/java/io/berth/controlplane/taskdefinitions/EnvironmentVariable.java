package io.berth.controlplane.taskdefinitions;

import static java.util.Objects.requireNonNull;

/** One {name, value} entry of a container's environment. */
public record EnvironmentVariable(String name, String value)
{
    public EnvironmentVariable
    {
        requireNonNull(name, "name is null");
        value = value == null ? "" : value;
    }
}
