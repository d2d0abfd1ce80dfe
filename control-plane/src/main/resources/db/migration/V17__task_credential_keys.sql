-- The key the control plane mints task role credentials with (and checks their session tokens by): one row, made
-- by the first control plane that needs it, so that every replica and every restart mints and accepts the same keys.

CREATE TABLE task_credential_keys (
    key_id VARCHAR(32) NOT NULL PRIMARY KEY,
    secret VARCHAR(128) NOT NULL,
    created_at BIGINT NOT NULL
);
