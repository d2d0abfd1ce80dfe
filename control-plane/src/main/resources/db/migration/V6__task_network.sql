-- The task network: each host's slice of the task CIDR (assigned at its first sync, kept for its life; unique,
-- so two control planes on PostgreSQL never hand out one slice twice), and the egress policy the operator set
-- for an account: a JSON array of the IPv4 CIDRs its tasks may reach outside the cluster ('[]' denies all
-- egress), NULL for unrestricted.

ALTER TABLE hosts ADD COLUMN task_subnet VARCHAR(18);
CREATE UNIQUE INDEX hosts_by_task_subnet ON hosts (task_subnet);

ALTER TABLE accounts ADD COLUMN egress_allowed TEXT;
