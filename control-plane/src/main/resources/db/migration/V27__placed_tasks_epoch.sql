-- placed_tasks_epoch: one row, a counter that every transaction which changes what placement reads of the placed tasks
-- (a task placed on a host, a placed task stopped, a placed task told to stop) adds one to as it commits. A replica that
-- read the placed tasks at an epoch places from them until the epoch moves, and moves its copy along with its own
-- placements, instead of reading every placed task at every placement round.

CREATE TABLE placed_tasks_epoch (
    id INTEGER NOT NULL PRIMARY KEY,
    epoch BIGINT NOT NULL
);

INSERT INTO placed_tasks_epoch (id, epoch) VALUES (1, 0);
