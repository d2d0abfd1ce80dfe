-- Several control planes on one PostgreSQL store: every replica serves the API, one leader runs the controllers.
--
-- control_plane_lease: one row, the leader's lease. A replica takes it when it is free or expired (expires_at, epoch
-- milliseconds, before the contender's clock), which adds one to epoch; the leader renews it (holder and epoch
-- unchanged) every second. Each of the leader's deciding transactions first updates this row on condition that holder
-- and epoch are still its own: the row lock it takes makes a takeover wait for that transaction, and a takeover that
-- committed first makes the transaction fail (fencing by epoch). holder is NULL (and expires_at 0) while nobody leads.
--
-- control_plane_replicas: each replica's URL as agents reach it, refreshed while it runs (last_seen, epoch
-- milliseconds), so every agent learns all of them and moves to another when its own stops answering.

CREATE TABLE control_plane_lease (
    id INTEGER NOT NULL PRIMARY KEY,
    holder VARCHAR(255),
    epoch BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

INSERT INTO control_plane_lease (id, holder, epoch, expires_at) VALUES (1, NULL, 0, 0);

CREATE TABLE control_plane_replicas (
    replica_id VARCHAR(255) NOT NULL PRIMARY KEY,
    url VARCHAR(2048) NOT NULL,
    last_seen BIGINT NOT NULL
);
