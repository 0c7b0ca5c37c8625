-- A rotated-out key keeps verifying (and stays in the JWKS) until every token issued before its
-- rotation has expired; then it is retired.
ALTER TABLE signing_key ADD COLUMN superseded_at BIGINT;
