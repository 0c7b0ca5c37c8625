-- Expired and revoked rows are deleted in the background, oldest first, along these indexes.
-- auth_session, auth_code, sso_session: the purge walks each table in creation order up to its cutoff;
-- creation times only grow, so each new row lands at the end of the index, which costs an insert next
-- to nothing (auth_session has one already).
CREATE INDEX auth_code_created ON auth_code (created_at);
CREATE INDEX sso_session_created ON sso_session (created_at);
-- refresh_token: live refresh tokens often outlive the retention by far (or never expire), so a walk in
-- creation order would read them again at every purge. purge_after is when a row stops serving
-- anything (its expiry, or its revocation if that came first; null while it may still be used or
-- replayed), and the purge reads only rows past it.
ALTER TABLE refresh_token ADD COLUMN purge_after BIGINT;
UPDATE refresh_token SET purge_after = CASE
    WHEN revoked_at IS NOT NULL AND (expires_at IS NULL OR revoked_at < expires_at) THEN revoked_at
    ELSE expires_at END;
CREATE INDEX refresh_token_purge ON refresh_token (purge_after);
