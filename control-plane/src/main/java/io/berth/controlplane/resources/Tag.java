package io.berth.controlplane.resources;

import static java.util.Objects.requireNonNull;

/** An ECS resource tag. value is never null: a tag given without one has the empty value, as in ECS. */
public record Tag(String key, String value)
{
    public Tag
    {
        requireNonNull(key, "key is null");
        value = value == null ? "" : value;
    }
}
