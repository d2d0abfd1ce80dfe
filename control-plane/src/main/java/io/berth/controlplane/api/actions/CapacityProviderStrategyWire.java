package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.tasks.TaskService;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;

/**
 * RunTask's capacityProviderStrategy, read as the launch type it amounts to. Berth has one capacity provider,
 * FARGATE: a strategy that names only it is the FARGATE launch type; FARGATE_SPOT (tasks that may be reclaimed)
 * and any other provider are refused rather than run as something else. As in ECS, a request may give a
 * strategy or a launchType, not both.
 */
final class CapacityProviderStrategyWire
{
    private static final int MAX_BASE = 100_000;
    private static final int MAX_WEIGHT = 1_000;

    private CapacityProviderStrategyWire() {}

    /** The request's launchType, or FARGATE for a strategy that names only FARGATE; null when it gives neither. */
    static String launchType(JsonNode request)
    {
        String launchType = optionalString(request, "launchType");
        JsonNode field = request.get("capacityProviderStrategy");
        if (field == null || field.isNull()) {
            return launchType;
        }
        List<JsonNode> strategy = optionalObjects(request, "capacityProviderStrategy");
        if (strategy.isEmpty()) {
            return launchType;
        }
        if (launchType != null) {
            throw EcsException.invalidParameter("Specifying both a launchType and a capacityProviderStrategy is not supported: give one of them.");
        }
        for (JsonNode item : strategy) {
            String provider = optionalString(item, "capacityProvider");
            if (provider == null || provider.isEmpty()) {
                throw EcsException.invalidParameter("Every capacityProviderStrategy item needs a capacityProvider.");
            }
            if (!provider.equals(TaskService.LAUNCH_TYPE)) {
                throw EcsException.clientException("capacityProviderStrategy: capacity provider '" + provider + "' is not supported; Berth has only "
                        + TaskService.LAUNCH_TYPE + " (no FARGATE_SPOT). Use [{\"capacityProvider\": \"FARGATE\"}] or launchType FARGATE.");
            }
            checkRange(item, "base", MAX_BASE);
            checkRange(item, "weight", MAX_WEIGHT);
        }
        if (strategy.size() > 1) {
            throw EcsException.invalidParameter("capacityProviderStrategy names capacity provider FARGATE more than once.");
        }
        return TaskService.LAUNCH_TYPE;
    }

    private static void checkRange(JsonNode item, String field, int max)
    {
        Integer value = optionalInteger(item, field);
        if (value != null && (value < 0 || value > max)) {
            throw EcsException.invalidParameter("capacityProviderStrategy " + field + " must be between 0 and " + max + ", got " + value + ".");
        }
    }
}
