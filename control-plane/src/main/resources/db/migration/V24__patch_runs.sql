-- Rolling patches of the fleet (`berth host patch`): one row per run, the run itself (command, options, each host's
-- step, what its command printed) as JSON in body, written by the control plane's maintenance after each step so a
-- control plane that restarts goes on from there. At most one run is RUNNING at a time: the partial unique index
-- refuses a second one even from two control planes at once.

CREATE TABLE patch_runs (
    run_id VARCHAR(64) NOT NULL PRIMARY KEY,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    body TEXT NOT NULL
);

CREATE UNIQUE INDEX patch_runs_one_running ON patch_runs (status) WHERE status = 'RUNNING';
CREATE INDEX patch_runs_by_time ON patch_runs (created_at);
