-- Rotation of host credentials without a new join (`berth host rotate`): the operator asks for it
-- (rotation_requested_at, with the grace the old secret keeps), the agent takes a new secret over its authenticated
-- channel at its next sync, and the secret it rotated away from stays good until previous_valid_until, then is refused.
-- Only SHA-256 hashes are stored, as for the current secret.

ALTER TABLE host_credentials ADD COLUMN previous_secret_hash VARCHAR(64);
ALTER TABLE host_credentials ADD COLUMN previous_valid_until BIGINT;
ALTER TABLE host_credentials ADD COLUMN rotation_requested_at BIGINT;
ALTER TABLE host_credentials ADD COLUMN rotation_grace_millis BIGINT;
ALTER TABLE host_credentials ADD COLUMN rotated_at BIGINT;

-- What each control-plane replica proves itself to agents with (public parts only: its agent-call key and the pin of
-- the CA its agents' certificates come from), keyed by the URL agents reach it at: a replica whose DIR/tls holds
-- another key or CA than a live replica's is refused at start, since agents would trust one and refuse the other.
CREATE TABLE control_plane_identities (
    url VARCHAR(2048) NOT NULL PRIMARY KEY,
    agent_call_key VARCHAR(255) NOT NULL,
    ca_pin VARCHAR(80),
    announced_at BIGINT NOT NULL
);
