package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.clusters.ClusterSummary;

/** The ECS Cluster shape. */
final class ClusterWire
{
    private ClusterWire() {}

    static ObjectNode toJson(ClusterSummary summary)
    {
        ObjectNode node = JsonFields.object();
        node.put("clusterArn", summary.cluster().arn());
        node.put("clusterName", summary.cluster().name());
        node.put("status", summary.cluster().status().name());
        // Fargate-style: hosts belong to Berth, not to the account, so an account sees no container instances
        node.put("registeredContainerInstancesCount", 0);
        node.put("runningTasksCount", summary.runningTasksCount());
        node.put("pendingTasksCount", summary.pendingTasksCount());
        node.put("activeServicesCount", 0);
        node.set("statistics", JsonFields.array());
        node.set("tags", JsonFields.array());
        node.set("settings", JsonFields.array());
        node.set("capacityProviders", JsonFields.array());
        node.set("defaultCapacityProviderStrategy", JsonFields.array());
        return node;
    }
}
