package io.berth.controlplane.services;

import java.time.Duration;

/**
 * Where a service's tasks are registered as load balancer targets. The reconciler calls {@link #register} for every
 * healthy task of a service on each pass (so it must be idempotent) and {@link #deregister} once before it stops a
 * task, then waits the delay it returns (the target group's deregistration delay) before the StopTask. Berth refuses
 * loadBalancers until the ELBv2 API exists, so today only {@link #NONE} is wired.
 */
public interface ServiceTargets
{
    ServiceTargets NONE = new ServiceTargets()
    {
        @Override
        public void register(Service service, String taskId) {}

        @Override
        public Duration deregister(Service service, String taskId)
        {
            return Duration.ZERO;
        }
    };

    void register(Service service, String taskId);

    /** Stops new connections to the task; returns how long in-flight requests may take before the task is stopped. */
    Duration deregister(Service service, String taskId);
}
