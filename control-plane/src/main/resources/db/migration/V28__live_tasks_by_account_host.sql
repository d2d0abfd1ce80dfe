-- The hosts that hold a live task of an account, read when a task's address appears or goes (those hosts let traffic
-- from the account's tasks in): the query read every live task of the account (10 ms a call on PostgreSQL with 5,000
-- tasks of one account, half of PostgreSQL's CPU in the scale benchmark). With the live tasks indexed by account and
-- host it steps from one host to the next instead: one probe of the index per host.

CREATE INDEX tasks_live_by_account_host ON tasks (account_id, host_id) WHERE last_status <> 'STOPPED';
