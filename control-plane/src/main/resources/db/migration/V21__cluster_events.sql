-- The control plane's decisions, for `berth events`: a task placed (where), a task stopped (and why), a host lost,
-- cordoned, drained or removed, a service's deployment steps. Written in the transaction of the decision itself.
-- event_id numbers the events in the order they were committed (MAX + 1 under the primary key: a writer that raced
-- another retries), so a reader that follows from the last id it saw misses none. account_id is the account whose
-- resource the event is about; NULL for the host events only the operator sees. Old events are deleted by age and
-- beyond a maximum count (bounded retention).

CREATE TABLE cluster_events (
    event_id BIGINT NOT NULL PRIMARY KEY,
    occurred_at BIGINT NOT NULL,
    event_type VARCHAR(64) NOT NULL,
    account_id VARCHAR(12),
    resource VARCHAR(2048) NOT NULL,
    host_id VARCHAR(255),
    message TEXT NOT NULL
);

CREATE INDEX cluster_events_by_account ON cluster_events (account_id, event_id);
CREATE INDEX cluster_events_by_time ON cluster_events (occurred_at);
