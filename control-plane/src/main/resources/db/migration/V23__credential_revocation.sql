-- Revocation of join tokens (`berth host token --revoke`) and host credentials (`berth host rm`): the rows stay,
-- marked with when they were revoked, so that a refused agent is told its credential was revoked rather than that
-- it is unknown, and a revoked token id cannot be issued or used again.

ALTER TABLE join_tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE host_credentials ADD COLUMN revoked_at BIGINT;
