-- ECS services: one row per service of an account's cluster. The service controller's whole state (deployments
-- with the tasks each tracks and its failure count, events, back-off) is the JSON body, so a control plane that
-- restarts mid-deployment reads it back and carries on. version is the optimistic-concurrency check between the
-- API (UpdateService, DeleteService) and the controller. An INACTIVE row stays until a service of the same name
-- replaces it.

CREATE TABLE services (
    account_id VARCHAR(12) NOT NULL,
    cluster_name VARCHAR(255) NOT NULL,
    name VARCHAR(255) NOT NULL,
    arn VARCHAR(1024) NOT NULL,
    status VARCHAR(16) NOT NULL,
    launch_type VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, cluster_name, name)
);

CREATE INDEX services_by_status ON services (status);

-- ListTasks' serviceName filter: a task's group (service:NAME for a service's tasks), null for tasks stored before.
ALTER TABLE tasks ADD COLUMN task_group VARCHAR(255);
