-- Portable SQL: H2 2.x, PostgreSQL, and PostgreSQL-compatible distributed databases.
-- Times are epoch seconds (BIGINT); resources are JSON text without their write-only secrets.

CREATE TABLE client (
    id          VARCHAR(255) PRIMARY KEY,
    version     BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    secret_hash VARCHAR(255),
    resource    VARCHAR      NOT NULL
);

CREATE TABLE app_user (
    id            VARCHAR(255) PRIMARY KEY,
    version       BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    password_hash VARCHAR(255),
    email         VARCHAR(320),
    resource      VARCHAR      NOT NULL
);
CREATE UNIQUE INDEX app_user_email ON app_user (email);

-- One row per issued access token; id is the token's jti. Opaque tokens are found by token_hash.
CREATE TABLE auth_session (
    id         VARCHAR(64)  PRIMARY KEY,
    token_hash VARCHAR(64),
    family_id  VARCHAR(64),
    client_id  VARCHAR(255) NOT NULL,
    user_id    VARCHAR(255),
    grant_type VARCHAR(32)  NOT NULL,
    scope      VARCHAR(2000),
    audience   VARCHAR(2000),
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    ended_at   BIGINT
);
CREATE UNIQUE INDEX auth_session_token_hash ON auth_session (token_hash);
CREATE INDEX auth_session_family ON auth_session (family_id);
CREATE INDEX auth_session_created ON auth_session (created_at);

-- Refresh tokens, one row per token ever issued; a family descends from one original grant.
CREATE TABLE refresh_token (
    token_hash  VARCHAR(64)  PRIMARY KEY,
    family_id   VARCHAR(64)  NOT NULL,
    client_id   VARCHAR(255) NOT NULL,
    user_id     VARCHAR(255),
    grant_type  VARCHAR(32)  NOT NULL,
    scope       VARCHAR(2000),
    audience    VARCHAR(2000),
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT,
    used_at     BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);

CREATE TABLE signing_key (
    kid         VARCHAR(64)  PRIMARY KEY,
    alg         VARCHAR(16)  NOT NULL,
    public_jwk  VARCHAR      NOT NULL,
    private_key VARCHAR      NOT NULL,
    created_at  BIGINT       NOT NULL,
    retired_at  BIGINT
);
