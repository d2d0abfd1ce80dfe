package io.berth.controlplane.registry;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Actions a token allows on one resource of the registry, e.g. repository 123456789012/app: pull, push. */
public record AccessGrant(String type, String name, List<String> actions)
{
    public AccessGrant
    {
        requireNonNull(type, "type is null");
        requireNonNull(name, "name is null");
        actions = List.copyOf(actions);
    }

    public static AccessGrant repository(String path, List<String> actions)
    {
        return new AccessGrant("repository", path, actions);
    }
}
