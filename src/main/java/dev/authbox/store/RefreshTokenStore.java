package dev.authbox.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Refresh tokens and their families. Rotation marks the presented token used with one conditional
 * UPDATE: the database, not a JVM lock, decides which of several concurrent uses wins, so the rule
 * holds across nodes.
 */
public final class RefreshTokenStore {
    private static final String COLUMNS = "token_hash, family_id, client_id, user_id, grant_type, scope, audience,"
            + " created_at, expires_at, used_at, revoked_at";

    /** What became of a presented refresh token. */
    public sealed interface Rotation {
        /** The token was live and is now used; its successor was recorded. */
        record Rotated(RefreshTokenRecord previous) implements Rotation {
        }

        /** The token had been used before: its family is revoked now. */
        record Reused(RefreshTokenRecord previous, List<SessionRecord> endedSessions) implements Rotation {
        }

        /** Unknown, expired or revoked: nothing changed. */
        record Refused(String reason) implements Rotation {
        }
    }

    /**
     * Builds the successor of a live token after the caller's checks (client binding, scope, user);
     * throwing refuses the rotation and leaves the token as it was.
     */
    @FunctionalInterface
    public interface Successor {
        Issue successor(RefreshTokenRecord live);
    }

    /** The new access token's session and the new refresh token. */
    public record Issue(SessionRecord session, RefreshTokenRecord refresh) {
    }

    private final Jdbc jdbc;

    public RefreshTokenStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<RefreshTokenRecord> find(String tokenHash) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM refresh_token WHERE token_hash = ?", RefreshTokenStore::map, tokenHash);
    }

    /**
     * Uses the refresh token with this hash once: in one transaction, marks it used if it is live,
     * lets the caller check it, and records its successor. A token used before revokes its family.
     */
    public Rotation rotate(String tokenHash, long now, Successor successor) {
        return jdbc.inTransaction(c -> {
            int won = Jdbc.update(c, "UPDATE refresh_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                    + " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", now, tokenHash, now);
            Optional<RefreshTokenRecord> row = first(Jdbc.query(c, "SELECT " + COLUMNS + " FROM refresh_token WHERE token_hash = ?",
                    RefreshTokenStore::map, tokenHash));
            if (row.isEmpty()) {
                return new Rotation.Refused("unknown refresh token");
            }
            RefreshTokenRecord token = row.get();
            if (won == 1) {
                Issue next = successor.successor(token);
                TokenIssueStore.insert(c, next.session(), next.refresh());
                return new Rotation.Rotated(token);
            }
            if (token.revokedAt() != null) {
                return new Rotation.Refused("refresh token revoked");
            }
            if (token.usedAt() != null) {
                return new Rotation.Reused(token, Families.revoke(c, token.familyId(), now));
            }
            return new Rotation.Refused("refresh token expired");
        });
    }

    /** Revokes every refresh token of the family and ends its sessions; returns the sessions ended. */
    public List<SessionRecord> revokeFamily(String familyId, long now) {
        return jdbc.inTransaction(c -> Families.revoke(c, familyId, now));
    }

    static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    static RefreshTokenRecord map(ResultSet rs) throws SQLException {
        return new RefreshTokenRecord(rs.getString("token_hash"), rs.getString("family_id"), rs.getString("client_id"),
                rs.getString("user_id"), rs.getString("grant_type"), rs.getString("scope"), rs.getString("audience"),
                rs.getLong("created_at"), Jdbc.nullableLong(rs, "expires_at"), Jdbc.nullableLong(rs, "used_at"),
                Jdbc.nullableLong(rs, "revoked_at"));
    }

}
