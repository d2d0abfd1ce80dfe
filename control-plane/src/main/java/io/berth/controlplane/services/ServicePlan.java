package io.berth.controlplane.services;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The controller's decision for one service: the service to store (deployments, counts, events, back-off), the
 * tasks to start per deployment and the tasks to stop. The {@link ServiceReconciler} applies it; the "has started"
 * event is its to write, since only it learns the new tasks' ids.
 */
public record ServicePlan(Service next, List<Launch> launches, List<StopOrder> stops)
{
    public ServicePlan
    {
        requireNonNull(next, "next is null");
        launches = List.copyOf(launches);
        stops = List.copyOf(stops);
    }

    /** Start count tasks of the deployment's task definition. */
    public record Launch(String deploymentId, String taskDefinitionArn, int count)
    {
        public Launch
        {
            requireNonNull(deploymentId, "deploymentId is null");
            requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
            if (count < 1) {
                throw new IllegalArgumentException("count must be positive, got " + count);
            }
        }
    }

    /** Stop a task with stopCode ServiceSchedulerInitiated and this reason. */
    public record StopOrder(String taskId, String reason)
    {
        public StopOrder
        {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(reason, "reason is null");
        }
    }

    public int launchCount()
    {
        return launches.stream().mapToInt(Launch::count).sum();
    }
}
