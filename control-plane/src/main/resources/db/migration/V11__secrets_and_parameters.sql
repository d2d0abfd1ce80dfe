-- Secrets Manager's secrets and SSM Parameter Store's parameters, per account. Values are only ever stored sealed
-- (AES-256-GCM with the control plane's key file, "v1:" + base64 of nonce and ciphertext); never in clear.

CREATE TABLE secrets (
    account_id VARCHAR(12) NOT NULL,
    name VARCHAR(512) NOT NULL,
    arn VARCHAR(2048) NOT NULL UNIQUE,
    description TEXT,
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_changed_at BIGINT NOT NULL,
    deleted_at BIGINT,
    deletion_date BIGINT,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE secret_versions (
    secret_arn VARCHAR(2048) NOT NULL,
    version_id VARCHAR(64) NOT NULL,
    stages TEXT NOT NULL,
    sealed_value TEXT NOT NULL,
    is_binary BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (secret_arn, version_id)
);

CREATE TABLE ssm_parameters (
    account_id VARCHAR(12) NOT NULL,
    name VARCHAR(2048) NOT NULL,
    type VARCHAR(16) NOT NULL,
    sealed_value TEXT NOT NULL,
    version BIGINT NOT NULL,
    description TEXT,
    last_modified_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, name)
);
