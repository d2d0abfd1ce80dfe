package io.berth.controlplane.clusters;

import io.berth.controlplane.resources.Tag;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a cluster carries besides its name and status: its tags, its settings (containerInsights, the one setting
 * ECS has), its capacity providers and their default strategy. Stored as one body so that a new part needs no
 * migration.
 */
public record ClusterConfiguration(List<Tag> tags, List<ClusterConfiguration.Setting> settings, List<String> capacityProviders,
        List<StrategyItem> defaultCapacityProviderStrategy)
{
    public static final ClusterConfiguration EMPTY = new ClusterConfiguration(List.of(), List.of(), List.of(), List.of());

    /** A cluster setting: containerInsights with enabled, disabled or enhanced. */
    public record Setting(String name, String value)
    {
        public Setting
        {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    /** One entry of a capacity provider strategy: the provider, its weight (0 to 1000) and base (0 to 100000). */
    public record StrategyItem(String capacityProvider, int weight, int base)
    {
        public StrategyItem
        {
            requireNonNull(capacityProvider, "capacityProvider is null");
        }
    }

    public ClusterConfiguration
    {
        tags = tags == null ? List.of() : List.copyOf(tags);
        settings = settings == null ? List.of() : List.copyOf(settings);
        capacityProviders = capacityProviders == null ? List.of() : List.copyOf(capacityProviders);
        defaultCapacityProviderStrategy = defaultCapacityProviderStrategy == null ? List.of() : List.copyOf(defaultCapacityProviderStrategy);
    }

    public ClusterConfiguration(List<Tag> tags, List<Setting> settings)
    {
        this(tags, settings, List.of(), List.of());
    }

    public ClusterConfiguration withTags(List<Tag> value)
    {
        return new ClusterConfiguration(value, settings, capacityProviders, defaultCapacityProviderStrategy);
    }

    public ClusterConfiguration withSettings(List<Setting> value)
    {
        return new ClusterConfiguration(tags, value, capacityProviders, defaultCapacityProviderStrategy);
    }

    public ClusterConfiguration withCapacityProviders(List<String> providers, List<StrategyItem> strategy)
    {
        return new ClusterConfiguration(tags, settings, providers, strategy);
    }
}
