-- Metering: one row per task that began pulling, with everything its bill needs (the tasks table forgets
-- stopped tasks after an hour; the bill does not). Usage figures are cumulative and only ever raised, so
-- a repeated or late report never counts twice; the average memory goes with the longest sampled time
-- it was averaged over. Times are epoch milliseconds.

CREATE TABLE task_usage (
    task_id VARCHAR(32) NOT NULL PRIMARY KEY,
    account_id VARCHAR(12) NOT NULL,
    cluster_name VARCHAR(255) NOT NULL,
    task_arn VARCHAR(512) NOT NULL,
    family VARCHAR(255) NOT NULL,
    task_group VARCHAR(255),
    cpu INTEGER NOT NULL,
    memory INTEGER NOT NULL,
    pull_started_at BIGINT NOT NULL,
    stopped_at BIGINT,
    cpu_seconds DOUBLE PRECISION NOT NULL,
    avg_memory_mib DOUBLE PRECISION NOT NULL,
    memory_sampled_seconds DOUBLE PRECISION NOT NULL,
    peak_memory_mib DOUBLE PRECISION NOT NULL,
    sampled_at BIGINT
);

CREATE INDEX task_usage_by_account ON task_usage (account_id, pull_started_at);
CREATE INDEX task_usage_by_stopped ON task_usage (stopped_at);
