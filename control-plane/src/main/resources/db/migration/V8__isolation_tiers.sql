-- The isolation tier the operator set for an account: 'container' (runc) or 'sandbox' (gVisor's runsc). Every task
-- of the account runs at least at this tier. A task's own tier (the stronger of this and its task definition's
-- berth:isolation tag) lives in the task's body, and task definition tags in the definition's body.

ALTER TABLE accounts ADD COLUMN isolation VARCHAR(16) NOT NULL DEFAULT 'container';
