-- The registry's repositories, ECR-style: each belongs to one account and lives in the registry under the path
-- ACCOUNT_ID/NAME. The images themselves are the registry's (read from its API when asked); only the repository,
-- when it was made and whether the operator opened it to every account (pull only) are kept here.

CREATE TABLE ecr_repositories (
    account_id VARCHAR(12) NOT NULL,
    name VARCHAR(256) NOT NULL,
    created_at BIGINT NOT NULL,
    public_read BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (account_id, name)
);
