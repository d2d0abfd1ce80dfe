-- Host lifecycle (operator state, loss, drain deadline, operator attributes) and the scheduler's bookkeeping.
-- state is what the operator set (ACTIVE, CORDONED, DRAINING); lost_at is set while the host's agent is silent,
-- so a host that comes back returns to the operator's state.

ALTER TABLE hosts ADD COLUMN state VARCHAR(16) NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE hosts ADD COLUMN lost_at BIGINT;
ALTER TABLE hosts ADD COLUMN drain_deadline BIGINT;
ALTER TABLE hosts ADD COLUMN operator_attributes TEXT NOT NULL DEFAULT '{}';

-- The latest failed placement of each task still waiting for a host: why, and why per host.
CREATE TABLE placement_attempts (
    task_id VARCHAR(32) NOT NULL PRIMARY KEY,
    attempted_at BIGINT NOT NULL,
    reason VARCHAR(64) NOT NULL,
    message TEXT NOT NULL,
    host_reasons TEXT NOT NULL
);

-- One row every placing transaction updates first: placements are serialized, so two of them never hand out
-- the same free capacity (PostgreSQL runs READ COMMITTED with several connections).
CREATE TABLE placement_lock (
    id INTEGER NOT NULL PRIMARY KEY,
    epoch BIGINT NOT NULL
);

INSERT INTO placement_lock (id, epoch) VALUES (1, 0);
