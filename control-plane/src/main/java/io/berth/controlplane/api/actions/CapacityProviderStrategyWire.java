package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.clusters.CapacityProviders;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.tasks.TaskService;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;

/**
 * Capacity provider strategies on the wire: RunTask's capacityProviderStrategy, read as the launch type it amounts
 * to, and a cluster's defaultCapacityProviderStrategy. Berth runs FARGATE only: a RunTask strategy that would place a
 * task on FARGATE_SPOT is refused rather than run as something else. As in ECS, a request may give a strategy or a
 * launchType, not both.
 */
final class CapacityProviderStrategyWire
{
    private CapacityProviderStrategyWire() {}

    /** The request's launchType, or FARGATE for a strategy that places tasks on FARGATE only; null when it gives neither. */
    static String launchType(JsonNode request)
    {
        String launchType = optionalString(request, "launchType");
        List<ClusterConfiguration.StrategyItem> strategy = strategy(request, "capacityProviderStrategy");
        if (strategy.isEmpty()) {
            return launchType;
        }
        if (launchType != null) {
            throw EcsException.invalidParameter("Specifying both a launchType and a capacityProviderStrategy is not supported: give one of them.");
        }
        CapacityProviders.checkStrategy(strategy);
        CapacityProviders.checkRunnable(strategy, "capacityProviderStrategy");
        return TaskService.LAUNCH_TYPE;
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
