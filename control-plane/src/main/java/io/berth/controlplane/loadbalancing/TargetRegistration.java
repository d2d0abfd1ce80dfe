package io.berth.controlplane.loadbalancing;

import io.berth.controlplane.store.LoadBalancingRows;
import io.berth.controlplane.store.LoadBalancingRows.TargetRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Registers and deregisters targets of an account's target group, and tells their health. ELB's RegisterTargets and
 * DeregisterTargets call it, and so does whatever registers tasks as targets (an ECS service's loadBalancers). A
 * deregistered target is drained first: it takes no new requests, keeps its in-flight ones for the target group's
 * deregistration delay, and is removed after it.
 */
public final class TargetRegistration
{
    private final LoadBalancingService loadBalancing;

    public TargetRegistration(LoadBalancingService loadBalancing)
    {
        this.loadBalancing = requireNonNull(loadBalancing, "loadBalancing is null");
    }

    public void register(String accountId, String targetGroupArn, List<Target> targets)
    {
        requireTargets(targets);
        loadBalancing.store().useTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            LoadBalancingService.targetGroup(rows, accountId, targetGroupArn);
            Instant now = loadBalancing.clock().instant();
            targets.forEach(target -> rows.registerTarget(targetGroupArn, target.id(), target.port(), now));
        });
        loadBalancing.changed();
    }

    /** Starts draining each target; a target that is not registered is InvalidTarget (nothing changes then). */
    public void deregister(String accountId, String targetGroupArn, List<Target> targets)
    {
        requireTargets(targets);
        loadBalancing.store().useTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            TargetGroup group = LoadBalancingService.targetGroup(rows, accountId, targetGroupArn);
            Instant drainUntil = loadBalancing.clock().instant().plusSeconds(group.deregistrationDelaySeconds());
            for (Target target : targets) {
                if (!rows.drainTarget(targetGroupArn, target.id(), target.port(), drainUntil)) {
                    throw new LoadBalancingException(LoadBalancingException.Kind.INVALID_TARGET,
                            "The following targets are not registered in target group '" + targetGroupArn + "': '" + target.id() + ":" + target.port() + "'");
                }
            }
        });
        loadBalancing.changed();
    }

    /** The health of the targets asked for (every registered one when none is), as ELB describes it. */
    public List<TargetHealth> health(String accountId, String targetGroupArn, List<Target> asked)
    {
        return loadBalancing.store().inTransaction(transaction -> {
            LoadBalancingRows rows = transaction.loadBalancing();
            LoadBalancingService.targetGroup(rows, accountId, targetGroupArn);
            rows.removeDrainedTargets(loadBalancing.clock().instant());
            boolean used = !LoadBalancingService.usersOf(rows, accountId, targetGroupArn).isEmpty();
            List<TargetRow> registered = rows.targets(targetGroupArn);
            List<TargetHealth> result = new ArrayList<>();
            if (asked.isEmpty()) {
                registered.forEach(row -> result.add(describe(row, used)));
                return result;
            }
            for (Target target : asked) {
                result.add(registered.stream()
                        .filter(row -> row.targetId().equals(target.id()) && row.port() == target.port())
                        .findFirst()
                        .map(row -> describe(row, used))
                        .orElse(new TargetHealth(target, "unavailable", "Target.NotRegistered", "Target is not registered to the target group")));
            }
            return result;
        });
    }

    private static TargetHealth describe(TargetRow row, boolean used)
    {
        Target target = new Target(row.targetId(), row.port());
        if (row.drainUntil() != null) {
            return new TargetHealth(target, "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress");
        }
        if (!used) {
            return new TargetHealth(target, "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer");
        }
        if (row.healthState() == null) {
            return new TargetHealth(target, "initial", "Elb.RegistrationInProgress", "Target registration is in progress");
        }
        return new TargetHealth(target, row.healthState(), row.healthReason(), row.healthDescription());
    }

    private static void requireTargets(List<Target> targets)
    {
        if (targets.isEmpty()) {
            throw LoadBalancingException.validation("Targets must name at least one target");
        }
    }
}
