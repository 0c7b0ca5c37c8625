package dev.authbox.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Sessions: one row per issued access token. */
public final class SessionStore {
    static final String COLUMNS =
            "id, token_hash, family_id, client_id, user_id, grant_type, scope, audience, created_at, expires_at, ended_at, sso_id";

    private final Jdbc jdbc;

    public SessionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<SessionRecord> find(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM auth_session WHERE id = ?", SessionStore::map, id);
    }

    public Optional<SessionRecord> findByTokenHash(String tokenHash) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM auth_session WHERE token_hash = ?", SessionStore::map, tokenHash);
    }

    /** Ends the session if it is still open; false when it was unknown or already ended. */
    public boolean end(String id, long now) {
        return jdbc.update("UPDATE auth_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL", now, id) == 1;
    }

    /**
     * Deletes up to {@code limit} sessions whose access token expired before {@code cutoff}. One that
     * ties a token family to the SSO session it came from stays while that SSO session is active and
     * the family has a usable refresh token: signing out finds the family, to revoke it, through it.
     */
    public int deleteExpired(long cutoff, long now, int limit) {
        return jdbc.deleteBatch("auth_session", "id", "created_at", "created_at < ? AND expires_at < ?"
                + " AND NOT (sso_id IS NOT NULL AND family_id IS NOT NULL"
                + " AND EXISTS (SELECT 1 FROM sso_session WHERE sso_session.id = auth_session.sso_id"
                + " AND sso_session.ended_at IS NULL AND sso_session.expires_at > ?)"
                + " AND EXISTS (SELECT 1 FROM refresh_token WHERE refresh_token.family_id = auth_session.family_id AND "
                + RefreshTokenStore.usable("refresh_token") + "))", limit, cutoff, cutoff, now, now);
    }

    /** Newest first. */
    public Page<SessionRecord> page(int count, int offset) {
        long total = jdbc.queryOne("SELECT COUNT(*) FROM auth_session", rs -> rs.getLong(1)).orElse(0L);
        List<SessionRecord> rows = jdbc.query(
                "SELECT " + COLUMNS + " FROM auth_session ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                SessionStore::map, count, offset);
        return new Page<>(rows, total);
    }

    static SessionRecord map(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("id"), rs.getString("token_hash"), rs.getString("family_id"),
                rs.getString("client_id"), rs.getString("user_id"), rs.getString("grant_type"), rs.getString("scope"),
                rs.getString("audience"), rs.getLong("created_at"), rs.getLong("expires_at"),
                Jdbc.nullableLong(rs, "ended_at"), rs.getString("sso_id"));
    }
}
