-- What a cluster carries besides its name and status, as one JSON body: its tags, its settings (containerInsights)
-- and its capacity providers with their default strategy. NULL for a cluster created before: no tags, no settings.

ALTER TABLE clusters ADD COLUMN configuration TEXT;

-- The task's tags as its bill sees them (JSON object of key to value), for `berth bill --by tag:KEY`; kept current
-- by TagResource and UntagResource, and kept after the task itself is forgotten. NULL: no tags.
ALTER TABLE task_usage ADD COLUMN tags TEXT;

-- ECS account settings (PutAccountSetting, PutAccountSettingDefault): per account and principal; principal_arn '*'
-- holds the account's default for principals without a setting of their own.
CREATE TABLE account_settings (
    account_id VARCHAR(12) NOT NULL,
    principal_arn VARCHAR(512) NOT NULL,
    name VARCHAR(64) NOT NULL,
    setting_value VARCHAR(64) NOT NULL,
    PRIMARY KEY (account_id, principal_arn, name)
);

-- Task scale-in protection (UpdateTaskProtection): a task with a row here is protected until expires_at (epoch ms).
-- The row goes with protection turned off; an expired row protects nothing.
CREATE TABLE task_protection (
    task_id VARCHAR(32) NOT NULL PRIMARY KEY,
    account_id VARCHAR(12) NOT NULL,
    expires_at BIGINT NOT NULL
);
