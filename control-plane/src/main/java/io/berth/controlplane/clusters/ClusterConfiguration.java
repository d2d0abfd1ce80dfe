package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.Tag;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a cluster carries besides its name and status: its tags and its settings (containerInsights, the one
 * setting ECS has). Stored as one body so that a new part needs no migration.
 */
public record ClusterConfiguration(List<Tag> tags, List<ClusterConfiguration.Setting> settings)
{
    public static final ClusterConfiguration EMPTY = new ClusterConfiguration(List.of(), List.of());

    /** A cluster setting: containerInsights with enabled, disabled or enhanced. */
    public record Setting(String name, String value)
    {
        public Setting
        {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    public ClusterConfiguration
    {
        tags = tags == null ? List.of() : List.copyOf(tags);
        settings = settings == null ? List.of() : List.copyOf(settings);
    }

    public ClusterConfiguration withTags(List<Tag> value)
    {
        return new ClusterConfiguration(value, settings);
    }

    public ClusterConfiguration withSettings(List<Setting> value)
    {
        return new ClusterConfiguration(tags, value);
    }
}
