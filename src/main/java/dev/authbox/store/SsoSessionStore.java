package dev.authbox.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Browser SSO sessions, and the token sessions obtained through them. */
public final class SsoSessionStore {
    private static final String COLUMNS = "id, cookie_hash, user_id, auth_time, created_at, expires_at, ended_at";

    private final Jdbc jdbc;

    public SsoSessionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(SsoSessionRecord s) {
        jdbc.update("INSERT INTO sso_session (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                s.id(), s.cookieHash(), s.userId(), s.authTime(), s.createdAt(), s.expiresAt(), s.endedAt());
    }

    public Optional<SsoSessionRecord> findByCookieHash(String cookieHash) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM sso_session WHERE cookie_hash = ?", SsoSessionStore::map, cookieHash);
    }

    /** Ends the session; its expiry comes forward to now, which is what the purge goes by. */
    public void end(String id, long now) {
        jdbc.update("UPDATE sso_session SET ended_at = ?, expires_at = CASE WHEN expires_at > ? THEN ? ELSE expires_at END"
                + " WHERE id = ? AND ended_at IS NULL", now, now, now, id);
    }

    /** Deletes up to {@code limit} SSO sessions that expired or ended before {@code cutoff}. */
    public int deleteExpired(long cutoff, int limit) {
        return jdbc.deleteBatch("sso_session", "id", "expires_at", "expires_at < ?", limit, cutoff);
    }

    /** The clients and token families obtained through this SSO session (family then client, per row). */
    public List<String[]> families(String ssoId) {
        return jdbc.query("SELECT DISTINCT family_id, client_id FROM auth_session WHERE sso_id = ? AND family_id IS NOT NULL",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, ssoId);
    }

    /** The open token sessions obtained through this SSO session. */
    public List<SessionRecord> openSessions(String ssoId) {
        return jdbc.query("SELECT " + SessionStore.COLUMNS + " FROM auth_session WHERE sso_id = ? AND ended_at IS NULL",
                SessionStore::map, ssoId);
    }

    private static SsoSessionRecord map(ResultSet rs) throws SQLException {
        return new SsoSessionRecord(rs.getString("id"), rs.getString("cookie_hash"), rs.getString("user_id"),
                rs.getLong("auth_time"), rs.getLong("created_at"), rs.getLong("expires_at"), Jdbc.nullableLong(rs, "ended_at"));
    }
}
