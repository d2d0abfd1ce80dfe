-- CloudWatch Logs, per account: log groups (with an optional retention in days), their streams and the events in
-- them. A stream numbers its events in the order they arrive (sequence); read tokens are positions in that order,
-- so a reader that follows a stream sees every event once. stream_key is a random number that makes event ids
-- unique across the streams of a group. Events are read by stream in sequence order (the primary key), and by
-- group and time (FilterLogEvents, and the retention pass that deletes what is older than the retention).

CREATE TABLE log_groups (
    account_id VARCHAR(12) NOT NULL,
    name VARCHAR(512) NOT NULL,
    created_at BIGINT NOT NULL,
    retention_days INTEGER,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE log_streams (
    account_id VARCHAR(12) NOT NULL,
    group_name VARCHAR(512) NOT NULL,
    name VARCHAR(512) NOT NULL,
    stream_key BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    first_event_at BIGINT,
    last_event_at BIGINT,
    last_ingestion_at BIGINT,
    next_sequence BIGINT NOT NULL,
    PRIMARY KEY (account_id, group_name, name)
);

CREATE TABLE log_events (
    account_id VARCHAR(12) NOT NULL,
    group_name VARCHAR(512) NOT NULL,
    stream_name VARCHAR(512) NOT NULL,
    sequence BIGINT NOT NULL,
    event_time BIGINT NOT NULL,
    ingestion_time BIGINT NOT NULL,
    message TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    PRIMARY KEY (account_id, group_name, stream_name, sequence)
);

CREATE INDEX log_events_by_group_time ON log_events (account_id, group_name, event_time);
