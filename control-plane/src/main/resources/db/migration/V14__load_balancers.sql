-- Elastic Load Balancing v2 resources of each account: load balancers, target groups, listeners and listener rules,
-- one row each, their settings in a JSON body. name is unique per kind and parent: a load balancer's or target
-- group's name in its account (parent ''), a listener's port on its load balancer, a rule's priority on its listener.
-- address is a load balancer's own IPv4 address on the ingress hosts, unique across every account.

CREATE TABLE elb_resources (
    arn VARCHAR(512) NOT NULL PRIMARY KEY,
    account_id VARCHAR(12) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    parent_arn VARCHAR(512) NOT NULL,
    name VARCHAR(255) NOT NULL,
    address VARCHAR(64),
    created_at BIGINT NOT NULL,
    body TEXT NOT NULL
);

CREATE UNIQUE INDEX elb_resources_name ON elb_resources (account_id, kind, parent_arn, name);
CREATE UNIQUE INDEX elb_resources_address ON elb_resources (address);
CREATE INDEX elb_resources_parent ON elb_resources (parent_arn);

-- The targets registered in a target group. drain_until is set when a target is deregistered: it takes no new
-- requests and is removed when its deregistration delay ends. health_* is what the ingress host last saw.
CREATE TABLE elb_targets (
    target_group_arn VARCHAR(512) NOT NULL,
    target_id VARCHAR(64) NOT NULL,
    port INTEGER NOT NULL,
    registered_at BIGINT NOT NULL,
    drain_until BIGINT,
    health_state VARCHAR(16),
    health_reason VARCHAR(64),
    health_description VARCHAR(255),
    PRIMARY KEY (target_group_arn, target_id, port)
);
