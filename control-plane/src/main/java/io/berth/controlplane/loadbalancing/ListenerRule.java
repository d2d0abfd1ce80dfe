package io.berth.controlplane.loadbalancing;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A listener rule: forward to targetGroupArn when the path matches one of pathPatterns and the host one of
 * hostHeaders (an empty list is no condition; at least one condition). Patterns use ELB's wildcards * and ?.
 */
public record ListenerRule(String arn, String accountId, String listenerArn, int priority, List<String> pathPatterns, List<String> hostHeaders,
        String targetGroupArn, Instant createdAt)
{
    public ListenerRule
    {
        requireNonNull(arn, "arn is null");
        requireNonNull(accountId, "accountId is null");
        requireNonNull(listenerArn, "listenerArn is null");
        pathPatterns = List.copyOf(pathPatterns);
        hostHeaders = List.copyOf(hostHeaders);
        requireNonNull(targetGroupArn, "targetGroupArn is null");
        requireNonNull(createdAt, "createdAt is null");
        if (priority < 1 || priority > 50000) {
            throw LoadBalancingException.validation("Priority must be between 1 and 50000, got " + priority);
        }
        if (pathPatterns.isEmpty() && hostHeaders.isEmpty()) {
            throw LoadBalancingException.validation("A rule needs at least one condition (path-pattern or host-header)");
        }
        if (pathPatterns.size() + hostHeaders.size() > 5) {
            throw LoadBalancingException.validation("A rule has at most 5 condition values, got " + (pathPatterns.size() + hostHeaders.size()));
        }
        for (String pattern : pathPatterns) {
            if (pattern.isEmpty() || pattern.length() > 128 || !pattern.matches("[A-Za-z0-9_\\-./~@:+*?]+")) {
                throw LoadBalancingException.validation("path-pattern values are up to 128 of A-Z a-z 0-9 _ - . / ~ @ : + and the wildcards * ?, got '" + pattern + "'");
            }
        }
        for (String host : hostHeaders) {
            if (host.isEmpty() || host.length() > 128 || !host.matches("[A-Za-z0-9\\-.*?]+")) {
                throw LoadBalancingException.validation("host-header values are up to 128 of A-Z a-z 0-9 - . and the wildcards * ?, got '" + host + "'");
            }
        }
    }
}
