-- Authorization codes (stored by hash, single use, short-lived), SSO sessions (cookie stored by
-- hash), consent grants, and the link from sessions to the SSO session that produced them.

CREATE TABLE auth_code (
    code_hash        VARCHAR(64)   PRIMARY KEY,
    family_id        VARCHAR(64)   NOT NULL,
    client_id        VARCHAR(255)  NOT NULL,
    user_id          VARCHAR(255)  NOT NULL,
    sso_id           VARCHAR(64),
    redirect_uri     VARCHAR(2000) NOT NULL,
    redirect_given   BOOLEAN       NOT NULL,
    scope            VARCHAR(2000),
    nonce            VARCHAR(500),
    code_challenge   VARCHAR(128),
    auth_time        BIGINT        NOT NULL,
    created_at       BIGINT        NOT NULL,
    expires_at       BIGINT        NOT NULL,
    used_at          BIGINT
);

CREATE TABLE sso_session (
    id          VARCHAR(64)  PRIMARY KEY,
    cookie_hash VARCHAR(64)  NOT NULL,
    user_id     VARCHAR(255) NOT NULL,
    auth_time   BIGINT       NOT NULL,
    created_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    ended_at    BIGINT
);
CREATE UNIQUE INDEX sso_session_cookie ON sso_session (cookie_hash);

CREATE TABLE consent_grant (
    id         VARCHAR(255) PRIMARY KEY,
    version    BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL,
    user_id    VARCHAR(255),
    client_id  VARCHAR(255),
    resource   VARCHAR      NOT NULL
);
CREATE INDEX consent_grant_user_client ON consent_grant (user_id, client_id);

ALTER TABLE auth_session ADD COLUMN sso_id VARCHAR(64);
CREATE INDEX auth_session_sso ON auth_session (sso_id);
