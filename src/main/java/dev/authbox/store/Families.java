package dev.authbox.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Revocation of a token family: every refresh token and every session descending from one grant. */
final class Families {
    private Families() {
    }

    /** Revokes the family on the caller's connection; returns the sessions it ended. */
    static List<SessionRecord> revoke(Connection c, String familyId, long now) throws SQLException {
        // Lock the family's rows in one order, so concurrent revocations queue instead of deadlocking.
        Jdbc.query(c, "SELECT token_hash FROM refresh_token WHERE family_id = ? ORDER BY token_hash FOR UPDATE",
                rs -> rs.getString(1), familyId);
        Jdbc.query(c, "SELECT id FROM auth_session WHERE family_id = ? ORDER BY id FOR UPDATE", rs -> rs.getString(1), familyId);
        Jdbc.update(c, "UPDATE refresh_token SET revoked_at = ?,"
                + " purge_after = CASE WHEN purge_after IS NULL OR purge_after > ? THEN ? ELSE purge_after END"
                + " WHERE family_id = ? AND revoked_at IS NULL", now, now, now, familyId);
        List<SessionRecord> open = Jdbc.query(c, "SELECT " + SessionStore.COLUMNS
                + " FROM auth_session WHERE family_id = ? AND ended_at IS NULL", SessionStore::map, familyId);
        Jdbc.update(c, "UPDATE auth_session SET ended_at = ? WHERE family_id = ? AND ended_at IS NULL", now, familyId);
        return open;
    }
}
