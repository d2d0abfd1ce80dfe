-- Idempotent requests (RunTask and CreateService clientToken): one row per token the account used in a scope (the
-- action and cluster, as ECS scopes tokens), with a digest of the request it came with and the ARNs it made. A
-- repeat with the same digest answers those ARNs again; a different request under the same token is refused. Rows
-- older than the window (24 hours, as ECS) are ignored and purged.
CREATE TABLE client_tokens (
    account_id VARCHAR(12) NOT NULL,
    scope VARCHAR(300) NOT NULL,
    token VARCHAR(64) NOT NULL,
    request_digest VARCHAR(64) NOT NULL,
    resource_arns TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, scope, token)
);

CREATE INDEX client_tokens_by_created ON client_tokens (created_at);

-- The capacity provider a task ran on (FARGATE or FARGATE_SPOT), so the bill prices spot tasks at the spot factor.
-- NULL: a task metered before spot existed, on-demand FARGATE.
ALTER TABLE task_usage ADD COLUMN capacity_provider VARCHAR(32);
