-- Rotation of host credentials without a new join (`berth host rotate`): the operator asks for it
-- (rotation_requested_at, with the grace the old secret keeps), the agent takes a new secret over its authenticated
-- channel at its next sync, and the secret it rotated away from stays good until previous_valid_until, then is refused.
-- Only SHA-256 hashes are stored, as for the current secret.

ALTER TABLE host_credentials ADD COLUMN previous_secret_hash VARCHAR(64);
ALTER TABLE host_credentials ADD COLUMN previous_valid_until BIGINT;
ALTER TABLE host_credentials ADD COLUMN rotation_requested_at BIGINT;
ALTER TABLE host_credentials ADD COLUMN rotation_grace_millis BIGINT;
ALTER TABLE host_credentials ADD COLUMN rotated_at BIGINT;
