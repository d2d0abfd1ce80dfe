-- network_epoch: one row, a counter that every transaction which changes what the hosts' network plans are made of
-- (a task's address appearing or going away, a host's underlay address, slice or loss, an account's egress policy) adds
-- one to as it commits. A replica that built the plans' shared parts at an epoch serves them to every sync until the
-- epoch moves, instead of reading every host and every placed task again at each sync.

CREATE TABLE network_epoch (
    id INTEGER NOT NULL PRIMARY KEY,
    epoch BIGINT NOT NULL
);

INSERT INTO network_epoch (id, epoch) VALUES (1, 0);
