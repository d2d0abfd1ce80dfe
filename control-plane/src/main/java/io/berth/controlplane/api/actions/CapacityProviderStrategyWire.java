package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.clusters.CapacityProviders;
import io.berth.controlplane.clusters.ClusterConfiguration;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;

/**
 * Capacity provider strategies on the wire: RunTask's and CreateService's capacityProviderStrategy (FARGATE and
 * FARGATE_SPOT), UpdateService's (null when not given, empty to go back to launchType FARGATE), and a cluster's
 * defaultCapacityProviderStrategy. As in ECS, a request may give a strategy or a launchType, not both.
 */
final class CapacityProviderStrategyWire
{
    private CapacityProviderStrategyWire() {}

    /** UpdateService's capacityProviderStrategy, checked on its own: null when not given, empty when given empty. */
    static List<ClusterConfiguration.StrategyItem> updateStrategy(JsonNode request)
    {
        if (!request.has("capacityProviderStrategy") || request.get("capacityProviderStrategy").isNull()) {
            return null;
        }
        List<ClusterConfiguration.StrategyItem> strategy = strategy(request, "capacityProviderStrategy");
        CapacityProviders.checkStrategy(strategy);
        return strategy;
    }

    /**
     * RunTask's and CreateService's capacityProviderStrategy, checked on its own (the cluster's providers are checked by
     * the domain); empty when not given.
     */
    static List<ClusterConfiguration.StrategyItem> runTaskStrategy(JsonNode request)
    {
        List<ClusterConfiguration.StrategyItem> strategy = strategy(request, "capacityProviderStrategy");
        if (strategy.isEmpty()) {
            return strategy;
        }
        if (optionalString(request, "launchType") != null) {
            throw EcsException.invalidParameter("Specifying both a launchType and a capacityProviderStrategy is not supported: give one of them.");
        }
        CapacityProviders.checkStrategy(strategy);
        return strategy;
    }

    /** A strategy field: [{"capacityProvider", "weight", "base"}], empty when absent. */
    static List<ClusterConfiguration.StrategyItem> strategy(JsonNode request, String field)
    {
        return optionalObjects(request, field).stream()
                .map(item -> {
                    String provider = optionalString(item, "capacityProvider");
                    if (provider == null || provider.isEmpty()) {
                        throw EcsException.invalidParameter("Every " + field + " item needs a capacityProvider.");
                    }
                    Integer weight = optionalInteger(item, "weight");
                    Integer base = optionalInteger(item, "base");
                    return new ClusterConfiguration.StrategyItem(provider, weight == null ? 0 : weight, base == null ? 0 : base);
                })
                .toList();
    }

    static ArrayNode toJson(List<ClusterConfiguration.StrategyItem> strategy)
    {
        ArrayNode array = JsonFields.array();
        strategy.forEach(item -> array.addObject().put("capacityProvider", item.capacityProvider()).put("weight", item.weight()).put("base", item.base()));
        return array;
    }
}
