package io.berth.controlplane.resources;

import java.util.List;

/** The answer to a Describe* call: the resources found, and the references that named nothing (MISSING). */
public record Described<T>(List<T> found, List<String> missing)
{
    public Described
    {
        found = List.copyOf(found);
        missing = List.copyOf(missing);
    }
}
