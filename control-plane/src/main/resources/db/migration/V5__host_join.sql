-- Hosts join over the network: bootstrap join tokens (reusable until they expire) and one credential per
-- host. Only SHA-256 hashes of the secrets are stored.

CREATE TABLE join_tokens (
    token_id VARCHAR(32) NOT NULL PRIMARY KEY,
    secret_hash VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);

CREATE TABLE host_credentials (
    host_id VARCHAR(255) NOT NULL PRIMARY KEY,
    secret_hash VARCHAR(64) NOT NULL,
    joined_with VARCHAR(32),
    created_at BIGINT NOT NULL
);
