package io.berth.controlplane.clusters;

import static java.util.Objects.requireNonNull;

/** A cluster with the task counts DescribeClusters reports. */
public record ClusterSummary(Cluster cluster, long runningTasksCount, long pendingTasksCount)
{
    public ClusterSummary
    {
        requireNonNull(cluster, "cluster is null");
    }
}
