package io.berth.common.agentprotocol;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What an ingress host's load balancer (HAProxy) serves: every application load balancer of every account with its
 * listeners and their rules, and every target group that a listener or rule forwards to, with its targets. Targets
 * being drained carry the instant their deregistration delay ends: until then they take no new requests and keep
 * their in-flight ones; after it they are gone.
 */
public record IngressPlan(List<LoadBalancer> loadBalancers, List<TargetGroup> targetGroups)
{
    public IngressPlan
    {
        loadBalancers = List.copyOf(loadBalancers);
        targetGroups = List.copyOf(targetGroups);
    }

    /** address: the IPv4 address this load balancer's listeners bind on the ingress host. */
    public record LoadBalancer(String arn, String address, List<Listener> listeners)
    {
        public LoadBalancer
        {
            requireNonNull(arn, "arn is null");
            requireNonNull(address, "address is null");
            listeners = List.copyOf(listeners);
        }
    }

    /** rules in priority order (lowest first); the default target group takes what no rule matches. */
    public record Listener(String arn, int port, String defaultTargetGroupArn, List<Rule> rules)
    {
        public Listener
        {
            requireNonNull(arn, "arn is null");
            requireNonNull(defaultTargetGroupArn, "defaultTargetGroupArn is null");
            rules = List.copyOf(rules);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("listener port out of range: " + port);
            }
        }
    }

    /**
     * A rule matches when every condition it has matches: the path one of pathPatterns (ELB wildcards * and ?) and the
     * host one of hostHeaders; an empty list is no condition.
     */
    public record Rule(String arn, int priority, List<String> pathPatterns, List<String> hostHeaders, String targetGroupArn)
    {
        public Rule
        {
            requireNonNull(arn, "arn is null");
            pathPatterns = List.copyOf(pathPatterns);
            hostHeaders = List.copyOf(hostHeaders);
            requireNonNull(targetGroupArn, "targetGroupArn is null");
        }
    }

    /** matcherCodes: ELB's HttpCode matcher as written ("200", "200,202", "200-299"). */
    public record TargetGroup(String arn, String healthCheckPath, int intervalSeconds, int timeoutSeconds, int healthyThreshold, int unhealthyThreshold,
            String matcherCodes, List<Target> targets)
    {
        public TargetGroup
        {
            requireNonNull(arn, "arn is null");
            requireNonNull(healthCheckPath, "healthCheckPath is null");
            requireNonNull(matcherCodes, "matcherCodes is null");
            targets = List.copyOf(targets);
        }
    }

    /** drainUntil: null for a registered target; the end of its deregistration delay for one being drained. */
    public record Target(String address, int port, Instant drainUntil)
    {
        public Target
        {
            requireNonNull(address, "address is null");
        }
    }
}
