package io.berth.controlplane.loadbalancing;

import static java.util.Objects.requireNonNull;

/**
 * A target group's HTTP health check, with ELB's limits: interval 5-300 s, timeout 2-120 s and below the interval,
 * thresholds 2-10, matcher codes 200-499 as a list ("200,202") or a range ("200-299").
 */
public record HealthCheck(String path, int intervalSeconds, int timeoutSeconds, int healthyThreshold, int unhealthyThreshold, String matcher)
{
    /** ELB's defaults for an HTTP target group of type ip. */
    public static final HealthCheck DEFAULT = new HealthCheck("/", 30, 5, 5, 2, "200");

    public HealthCheck
    {
        requireNonNull(path, "path is null");
        requireNonNull(matcher, "matcher is null");
        if (!path.startsWith("/") || path.length() > 1024 || !path.matches("[A-Za-z0-9_\\-./~%:@!$&'()*+,;=?]+")) {
            throw LoadBalancingException.validation("HealthCheckPath must start with / and be at most 1024 URL characters, got '" + path + "'");
        }
        check("HealthCheckIntervalSeconds", intervalSeconds, 5, 300);
        check("HealthCheckTimeoutSeconds", timeoutSeconds, 2, 120);
        check("HealthyThresholdCount", healthyThreshold, 2, 10);
        check("UnhealthyThresholdCount", unhealthyThreshold, 2, 10);
        if (timeoutSeconds >= intervalSeconds) {
            throw LoadBalancingException.validation("Health check interval must be greater than the timeout.");
        }
        if (!matcher.matches("\\d{3}(,\\d{3})*|\\d{3}-\\d{3}")) {
            throw LoadBalancingException.validation("Matcher HttpCode must be codes like 200, 200,202 or 200-299, got '" + matcher + "'");
        }
        for (String code : matcher.split("[,-]")) {
            check("Matcher HttpCode", Integer.parseInt(code), 200, 499);
        }
    }

    private static void check(String name, int value, int min, int max)
    {
        if (value < min || value > max) {
            throw LoadBalancingException.validation(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
