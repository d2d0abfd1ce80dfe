-- What each ingress host's HAProxy last saw of each target. With several ingress hosts each health-checks every
-- target itself; the health DescribeTargetHealth shows and the service controller counts (elb_targets.health_*) is the
-- worst that any ingress host not lost sees (unhealthy, then initial, then healthy), so a replacement counts as
-- healthy only once every load balancer host sends it requests. Rows go with their target.

CREATE TABLE elb_target_health (
    target_group_arn VARCHAR(512) NOT NULL,
    target_id VARCHAR(64) NOT NULL,
    port INTEGER NOT NULL,
    host_id VARCHAR(255) NOT NULL,
    state VARCHAR(16) NOT NULL,
    reason VARCHAR(64),
    description VARCHAR(255),
    PRIMARY KEY (target_group_arn, target_id, port, host_id)
);
