package dev.authbox.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Refresh tokens and their families. Rotation marks the presented token used with one conditional
 * UPDATE: the database, not a JVM lock, decides which of several concurrent uses wins, so the rule
 * holds across nodes. The common refresh ({@link #rotateAtOnce}) is one statement on PostgreSQL;
 * {@link #rotate} is the general transaction, which also tells why a token was refused.
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

    /**
     * What the successor's rows hold of their own; family, user, grant type, scope and audience are
     * copied from the presented token's row. {@code accessTokenHash} is null for a JWT access token.
     */
    public record NextRows(String sessionId, String accessTokenHash, long now, long accessExpiresAt, String refreshHash,
                           Long refreshExpiresAt) {
    }

    /** The presented token's live row: not used, not revoked, not expired, its client's, its user active. */
    private static final String LIVE = "token_hash = ? AND client_id = ? AND grant_type IN (%s) AND used_at IS NULL"
            + " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
            + " AND (user_id IS NULL OR EXISTS (SELECT 1 FROM app_user u WHERE u.id = refresh_token.user_id"
            + " AND u.inactive = FALSE))";
    private static final String COPY_SESSION = "INSERT INTO auth_session (" + SessionStore.COLUMNS + ")"
            + " SELECT CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)), family_id, client_id, user_id, grant_type, scope,"
            + " audience, CAST(? AS BIGINT), CAST(? AS BIGINT), NULL, NULL FROM %s";
    private static final String COPY_REFRESH = "INSERT INTO refresh_token (" + COLUMNS + ")"
            + " SELECT CAST(? AS VARCHAR(64)), family_id, client_id, user_id, grant_type, scope, audience,"
            + " CAST(? AS BIGINT), CAST(? AS BIGINT), NULL, NULL FROM %s";

    private final Jdbc jdbc;
    private final boolean writableCtes;

    /**
     * @param writableCtes the database runs data-modifying WITH clauses (PostgreSQL), so a rotation
     *                     and its successor's rows can be one statement
     */
    public RefreshTokenStore(Jdbc jdbc, boolean writableCtes) {
        this.jdbc = jdbc;
        this.writableCtes = writableCtes;
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

    /**
     * Uses the token once and records its successor, copying what the successor inherits from the
     * token's row, when the token is live, was issued to {@code clientId} under one of
     * {@code grantTypes}, and its user (if any) is active. On PostgreSQL that is one statement, so
     * one round trip, that proves single use, rotates and stores. Empty when any condition fails:
     * nothing changed, and {@link #rotate} can tell why.
     */
    public Optional<RefreshTokenRecord> rotateAtOnce(String tokenHash, String clientId, Set<String> grantTypes,
                                                     NextRows next) {
        String live = LIVE.formatted(String.join(", ", Collections.nCopies(grantTypes.size(), "?")));
        List<Object> liveArgs = new ArrayList<>(List.of(tokenHash, clientId));
        liveArgs.addAll(grantTypes);
        liveArgs.add(next.now());
        Object[] sessionArgs = {next.sessionId(), next.accessTokenHash(), next.now(), next.accessExpiresAt()};
        Object[] refreshArgs = {next.refreshHash(), next.now(), next.refreshExpiresAt()};
        if (writableCtes) {
            String sql = "WITH used AS (UPDATE refresh_token SET used_at = ? WHERE " + live + " RETURNING " + COLUMNS + "),"
                    + " s AS (" + COPY_SESSION.formatted("used") + "), r AS (" + COPY_REFRESH.formatted("used") + ")"
                    + " SELECT " + COLUMNS + " FROM used";
            List<Object> args = new ArrayList<>();
            args.add(next.now());
            args.addAll(liveArgs);
            args.addAll(Arrays.asList(sessionArgs));
            args.addAll(Arrays.asList(refreshArgs));
            return jdbc.queryOne(sql, RefreshTokenStore::map, args.toArray());
        }
        return jdbc.inTransaction(c -> {
            List<Object> args = new ArrayList<>();
            args.add(next.now());
            args.addAll(liveArgs);
            if (Jdbc.update(c, "UPDATE refresh_token SET used_at = ? WHERE " + live, args.toArray()) == 0) {
                return Optional.empty();
            }
            String used = "refresh_token WHERE token_hash = ?";
            Jdbc.update(c, COPY_SESSION.formatted(used), append(sessionArgs, tokenHash));
            Jdbc.update(c, COPY_REFRESH.formatted(used), append(refreshArgs, tokenHash));
            return first(Jdbc.query(c, "SELECT " + COLUMNS + " FROM refresh_token WHERE token_hash = ?",
                    RefreshTokenStore::map, tokenHash));
        });
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
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
