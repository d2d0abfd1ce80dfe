package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.clusters.ClusterSummary;

import java.util.List;
import java.util.Set;

import static io.berth.controlplane.api.actions.JsonFields.optionalObjects;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;

/** The ECS Cluster shape, and the cluster fields of requests. */
final class ClusterWire
{
    /** DescribeClusters' include values; only TAGS and SETTINGS change what Berth shows (it has no attachments or statistics to add). */
    private static final Set<String> INCLUDE_VALUES = Set.of("ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS");

    private ClusterWire() {}

    /** tags: whether to show the cluster's tags (CreateCluster does; DescribeClusters when asked to include TAGS). */
    static ObjectNode toJson(ClusterSummary summary, boolean tags)
    {
        return toJson(summary, tags, true);
    }

    /** settings: whether to show the cluster's settings (every call but DescribeClusters does; it when asked to include SETTINGS, as ECS). */
    static ObjectNode toJson(ClusterSummary summary, boolean tags, boolean settings)
    {
        ObjectNode node = JsonFields.object();
        ClusterConfiguration configuration = summary.cluster().configuration();
        node.put("clusterArn", summary.cluster().arn());
        node.put("clusterName", summary.cluster().name());
        node.put("status", summary.cluster().status().name());
        // Fargate-style: hosts belong to Berth, not to the account, so an account sees no container instances
        node.put("registeredContainerInstancesCount", 0);
        node.put("runningTasksCount", summary.runningTasksCount());
        node.put("pendingTasksCount", summary.pendingTasksCount());
        node.put("activeServicesCount", 0);
        node.set("statistics", JsonFields.array());
        node.set("tags", tags ? TaskDefinitionWire.tagsToJson(configuration.tags()) : JsonFields.array());
        if (settings) {
            ArrayNode array = node.putArray("settings");
            configuration.settings().forEach(setting -> array.addObject().put("name", setting.name()).put("value", setting.value()));
        }
        node.set("capacityProviders", JsonFields.strings(configuration.capacityProviders()));
        node.set("defaultCapacityProviderStrategy", CapacityProviderStrategyWire.toJson(configuration.defaultCapacityProviderStrategy()));
        return node;
    }

    /** The settings field of CreateCluster and UpdateCluster(Settings): [{"name", "value"}], empty when absent. */
    static List<ClusterConfiguration.Setting> settings(JsonNode request)
    {
        return optionalObjects(request, "settings").stream()
                .map(setting -> {
                    String name = optionalString(setting, "name");
                    String value = optionalString(setting, "value");
                    if (name == null || value == null) {
                        throw EcsException.invalidParameter("Every cluster setting needs a name and a value: give [{\"name\": \"containerInsights\", \"value\": \"enabled\"}].");
                    }
                    return new ClusterConfiguration.Setting(name, value);
                })
                .toList();
    }

    /** Whether DescribeClusters' include asks for value (TAGS or SETTINGS); every value must be one ECS knows. */
    static boolean includes(JsonNode request, String value)
    {
        List<String> include = optionalStrings(request, "include");
        if (include == null) {
            return false;
        }
        for (String each : include) {
            if (!INCLUDE_VALUES.contains(each)) {
                throw EcsException.invalidParameter("include may hold ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS or TAGS, got '" + each + "'.");
            }
        }
        return include.contains(value);
    }
}
