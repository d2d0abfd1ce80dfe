package io.berth.controlplane.services;

import io.berth.controlplane.resources.InvalidRequestException;

import java.time.Duration;

/**
 * Where the tasks of a service with loadBalancers are registered as targets. The reconciler calls {@link #sync} for
 * every task the service counts on at each pass (so it must be idempotent: it registers a task that is ready and not
 * yet registered, and tells how the task stands) and {@link #deregister} once before it stops a task, then waits
 * the delay it returns (the longest deregistration delay of the service's target groups) before the StopTask, so
 * that requests in flight finish.
 */
public interface ServiceTargets
{
    /** For a control plane without load balancers (and tests): no service can name one. */
    ServiceTargets NONE = new ServiceTargets()
    {
        @Override
        public void check(String accountId, String targetGroupArn)
        {
            throw InvalidRequestException.invalidValue("The target group with targetGroupArn " + targetGroupArn + " does not exist.");
        }

        @Override
        public TargetStatus sync(Service service, ServiceTask task)
        {
            return service.loadBalancers().isEmpty() ? TargetStatus.NONE : TargetStatus.PENDING;
        }

        @Override
        public Duration deregister(Service service, ServiceTask task)
        {
            return Duration.ZERO;
        }
    };

    /** Refuses (InvalidParameterException, ECS's words) a target group the account does not have or no load balancer uses. */
    void check(String accountId, String targetGroupArn);

    /** Registers the task where it is missing if it is {@link ServiceTask#registrable()}; returns how it stands in the service's target groups. */
    TargetStatus sync(Service service, ServiceTask task);

    /** Stops new requests to the task; returns how long in-flight requests may take before the task is stopped. */
    Duration deregister(Service service, ServiceTask task);
}
