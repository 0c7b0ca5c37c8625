-- Expired and revoked rows are deleted in the background (ExpiredRowPurge), oldest first, along
-- these indexes, so that a purge reads the rows it deletes and not the live ones.
-- auth_session is walked in creation order (it has that index already), auth_code too: their rows
-- expire soon after they are made. sso_session by expiry (signing out lowers it to the time of the
-- sign-out), login_failure by the start of its window. Creation and expiry times only grow, so each
-- new row lands at the end of these indexes, which costs an insert next to nothing.
CREATE INDEX auth_code_created ON auth_code (created_at);
CREATE INDEX sso_session_expires ON sso_session (expires_at);
CREATE INDEX login_failure_window ON login_failure (window_start);
UPDATE sso_session SET expires_at = ended_at WHERE ended_at IS NOT NULL AND ended_at < expires_at;
-- refresh_token: purge_after is when the current token of a family stops serving anything (its
-- expiry, or its revocation if that came first); a used token has none of its own, since a replay
-- of it must revoke the family as long as the family lives: it goes with its family.
ALTER TABLE refresh_token ADD COLUMN purge_after BIGINT;
UPDATE refresh_token SET purge_after = CASE
    WHEN revoked_at IS NOT NULL THEN
        CASE WHEN expires_at IS NOT NULL AND expires_at < revoked_at THEN expires_at ELSE revoked_at END
    WHEN used_at IS NOT NULL THEN NULL
    ELSE expires_at END;
CREATE INDEX refresh_token_purge ON refresh_token (purge_after);
