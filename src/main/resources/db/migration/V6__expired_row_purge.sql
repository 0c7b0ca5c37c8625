-- Expired and revoked rows are deleted in the background, oldest first. The purge walks each table
-- in creation order and stops at its cutoff; creation times only grow, so these indexes take each
-- new row at their end, which costs an insert next to nothing (auth_session has one already).
CREATE INDEX refresh_token_created ON refresh_token (created_at);
CREATE INDEX auth_code_created ON auth_code (created_at);
CREATE INDEX sso_session_created ON sso_session (created_at);
