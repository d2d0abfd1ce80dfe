-- Quotas the operator set for an account. NULL: the server's default applies; 0: unlimited.
-- max_cpu_units: requested CPU units (1024 per vCPU) of the account's tasks not STOPPED; max_tasks: its tasks not
-- STOPPED; max_waiting: its tasks in PROVISIONING; requests_per_second: its sustained API request rate.

ALTER TABLE accounts ADD COLUMN max_cpu_units BIGINT;
ALTER TABLE accounts ADD COLUMN max_tasks BIGINT;
ALTER TABLE accounts ADD COLUMN max_waiting BIGINT;
ALTER TABLE accounts ADD COLUMN requests_per_second DOUBLE PRECISION;
