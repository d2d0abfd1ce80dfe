package io.berth.controlplane.services;

import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.loadbalancing.LoadBalancingException;
import io.berth.controlplane.loadbalancing.LoadBalancingService;
import io.berth.controlplane.loadbalancing.Target;
import io.berth.controlplane.loadbalancing.TargetHealth;
import io.berth.controlplane.loadbalancing.TargetRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * {@link ServiceTargets} over Berth's own load balancers: a task's private address and each loadBalancers entry's
 * containerPort make its target in that entry's target group. A target group deleted under a service leaves its
 * tasks PENDING (never healthy), so the service says nothing is steady rather than failing every pass.
 */
public final class LoadBalancerTargets
        implements ServiceTargets
{
    private static final Logger log = LoggerFactory.getLogger(LoadBalancerTargets.class);

    private final LoadBalancingService loadBalancing;
    private final TargetRegistration registration;

    public LoadBalancerTargets(LoadBalancingService loadBalancing, TargetRegistration registration)
    {
        this.loadBalancing = requireNonNull(loadBalancing, "loadBalancing is null");
        this.registration = requireNonNull(registration, "registration is null");
    }

    @Override
    public void check(String accountId, String targetGroupArn)
    {
        try {
            loadBalancing.targetGroup(accountId, targetGroupArn);
        }
        catch (LoadBalancingException e) {
            if (e.kind() == LoadBalancingException.Kind.TARGET_GROUP_NOT_FOUND) {
                throw InvalidRequestException.invalidValue("The target group with targetGroupArn " + targetGroupArn + " does not exist.");
            }
            throw e;
        }
        if (loadBalancing.loadBalancersOf(accountId, targetGroupArn).isEmpty()) {
            throw InvalidRequestException.invalidValue("The target group with targetGroupArn " + targetGroupArn + " does not have an associated load balancer.");
        }
    }

    @Override
    public TargetStatus sync(Service service, ServiceTask task)
    {
        if (service.loadBalancers().isEmpty()) {
            return TargetStatus.NONE;
        }
        if (task.address() == null) {
            return TargetStatus.PENDING;
        }
        boolean healthy = true;
        for (ServiceLoadBalancer entry : service.loadBalancers()) {
            try {
                Target target = new Target(task.address(), entry.containerPort());
                TargetHealth health = registration.health(service.accountId(), entry.targetGroupArn(), List.of(target)).getFirst();
                switch (health.state()) {
                    case "healthy" -> {}
                    case "unhealthy" -> {
                        return TargetStatus.unhealthy(entry.targetGroupArn());
                    }
                    case "unavailable" -> {
                        if (task.registrable()) {
                            registration.register(service.accountId(), entry.targetGroupArn(), List.of(target));
                            log.info("Service {}: task {} registered as {}:{} in {}", service.arn(), task.taskId(), target.id(), target.port(), entry.targetGroupArn());
                        }
                        healthy = false;
                    }
                    default -> healthy = false;
                }
            }
            catch (LoadBalancingException e) {
                log.warn("Service {}: task {} not in target group {}: {}", service.arn(), task.taskId(), entry.targetGroupArn(), e.getMessage());
                healthy = false;
            }
        }
        return healthy ? TargetStatus.HEALTHY : TargetStatus.PENDING;
    }

    @Override
    public Duration deregister(Service service, ServiceTask task)
    {
        Duration longest = Duration.ZERO;
        if (task.address() == null) {
            return longest;
        }
        for (ServiceLoadBalancer entry : service.loadBalancers()) {
            try {
                Target target = new Target(task.address(), entry.containerPort());
                String state = registration.health(service.accountId(), entry.targetGroupArn(), List.of(target)).getFirst().state();
                if (state.equals("unavailable")) {
                    continue;
                }
                if (!state.equals("draining")) {
                    registration.deregister(service.accountId(), entry.targetGroupArn(), List.of(target));
                    log.info("Service {}: task {} deregistered from {}", service.arn(), task.taskId(), entry.targetGroupArn());
                }
                // already draining (a control plane that restarted meanwhile): waiting the whole delay again is the safe side
                Duration delay = Duration.ofSeconds(loadBalancing.targetGroup(service.accountId(), entry.targetGroupArn()).deregistrationDelaySeconds());
                longest = delay.compareTo(longest) > 0 ? delay : longest;
            }
            catch (LoadBalancingException e) {
                log.warn("Service {}: cannot deregister task {} from {}: {}", service.arn(), task.taskId(), entry.targetGroupArn(), e.getMessage());
            }
        }
        return longest;
    }
}
