package io.berth.controlplane.loadbalancing;

import io.berth.common.agentprotocol.IngressPlan;
import io.berth.common.agentprotocol.IngressReport;
import io.berth.controlplane.store.LoadBalancingRows;
import io.berth.controlplane.store.LoadBalancingRows.Resource;
import io.berth.controlplane.store.StoreTransaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the ingress hosts serve, built inside the agent gateway's sync transaction: every account's load balancers
 * (each on its own address, so two accounts' listeners on one port do not meet) with their listeners and rules, and
 * the target groups they forward to with their targets. Also records the target health each ingress host reports.
 */
public final class IngressPlans
{
    private IngressPlans() {}

    public static IngressPlan build(StoreTransaction transaction, Instant now)
    {
        LoadBalancingRows rows = transaction.loadBalancing();
        rows.removeDrainedTargets(now);
        List<IngressPlan.LoadBalancer> loadBalancers = new ArrayList<>();
        Map<String, IngressPlan.TargetGroup> targetGroups = new LinkedHashMap<>();
        for (Resource row : rows.all(LoadBalancingService.LOAD_BALANCER)) {
            LoadBalancer loadBalancer = LoadBalancingService.read(row, LoadBalancer.class);
            List<IngressPlan.Listener> listeners = new ArrayList<>();
            for (Resource listenerRow : rows.children(loadBalancer.arn(), LoadBalancingService.LISTENER)) {
                Listener listener = LoadBalancingService.read(listenerRow, Listener.class);
                List<IngressPlan.Rule> rules = new ArrayList<>();
                rows.children(listener.arn(), LoadBalancingService.RULE).stream()
                        .map(ruleRow -> LoadBalancingService.read(ruleRow, ListenerRule.class))
                        .sorted(Comparator.comparingInt(ListenerRule::priority))
                        .forEach(rule -> {
                            rules.add(new IngressPlan.Rule(rule.arn(), rule.priority(), rule.pathPatterns(), rule.hostHeaders(), rule.targetGroupArn()));
                            addTargetGroup(rows, loadBalancer.accountId(), rule.targetGroupArn(), targetGroups);
                        });
                addTargetGroup(rows, loadBalancer.accountId(), listener.defaultTargetGroupArn(), targetGroups);
                listeners.add(new IngressPlan.Listener(listener.arn(), listener.port(), listener.defaultTargetGroupArn(), rules));
            }
            loadBalancers.add(new IngressPlan.LoadBalancer(loadBalancer.arn(), loadBalancer.address(), listeners));
        }
        return new IngressPlan(loadBalancers, List.copyOf(targetGroups.values()));
    }

    /** Records what the ingress host saw of each target (a target's health is the worst its ingress hosts see); true when anything changed. */
    public static boolean recordHealth(StoreTransaction transaction, String hostId, IngressReport report)
    {
        boolean changed = false;
        for (IngressReport.TargetHealth health : report.targets()) {
            changed |= transaction.loadBalancing().recordHealth(hostId, health.targetGroupArn(), health.address(), health.port(), health.state(), health.reason(),
                    health.description());
        }
        return changed;
    }

    private static void addTargetGroup(LoadBalancingRows rows, String accountId, String arn, Map<String, IngressPlan.TargetGroup> targetGroups)
    {
        if (targetGroups.containsKey(arn)) {
            return;
        }
        rows.find(accountId, LoadBalancingService.TARGET_GROUP, arn).ifPresent(row -> {
            TargetGroup group = LoadBalancingService.read(row, TargetGroup.class);
            HealthCheck check = group.healthCheck();
            List<IngressPlan.Target> targets = rows.targets(arn).stream()
                    .map(target -> new IngressPlan.Target(target.targetId(), target.port(), target.drainUntil()))
                    .toList();
            targetGroups.put(arn, new IngressPlan.TargetGroup(arn, check.path(), check.intervalSeconds(), check.timeoutSeconds(),
                    check.healthyThreshold(), check.unhealthyThreshold(), check.matcher(), targets));
        });
    }
}
