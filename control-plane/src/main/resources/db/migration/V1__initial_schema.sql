-- Portable SQL: the same file runs on SQLite and PostgreSQL. Times are epoch milliseconds (BIGINT);
-- documents that only the control plane reads are JSON text in a body column.

CREATE TABLE accounts (
    account_id VARCHAR(12) NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL UNIQUE,
    operator BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE access_keys (
    access_key_id VARCHAR(32) NOT NULL PRIMARY KEY,
    secret_access_key VARCHAR(64) NOT NULL,
    account_id VARCHAR(12) NOT NULL REFERENCES accounts (account_id),
    created_at BIGINT NOT NULL
);

CREATE TABLE clusters (
    account_id VARCHAR(12) NOT NULL,
    name VARCHAR(255) NOT NULL,
    arn VARCHAR(512) NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE task_definitions (
    account_id VARCHAR(12) NOT NULL,
    family VARCHAR(255) NOT NULL,
    revision INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    arn VARCHAR(512) NOT NULL,
    registered_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, family, revision)
);

CREATE TABLE tasks (
    task_id VARCHAR(32) NOT NULL PRIMARY KEY,
    account_id VARCHAR(12) NOT NULL,
    cluster_name VARCHAR(255) NOT NULL,
    arn VARCHAR(512) NOT NULL,
    family VARCHAR(255) NOT NULL,
    started_by VARCHAR(255),
    desired_status VARCHAR(16) NOT NULL,
    last_status VARCHAR(16) NOT NULL,
    host_id VARCHAR(255),
    created_at BIGINT NOT NULL,
    stopped_at BIGINT,
    version BIGINT NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX tasks_by_cluster ON tasks (account_id, cluster_name, created_at);
CREATE INDEX tasks_by_host ON tasks (host_id, last_status);
CREATE INDEX tasks_by_stopped ON tasks (last_status, stopped_at);

CREATE TABLE hosts (
    host_id VARCHAR(255) NOT NULL PRIMARY KEY,
    info TEXT NOT NULL,
    last_heartbeat BIGINT NOT NULL
);
