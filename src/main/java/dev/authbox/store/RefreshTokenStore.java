package dev.authbox.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens and their families. Rotation marks the presented token used with one conditional
 * UPDATE: the database, not a JVM lock, decides which of several concurrent uses wins, so the rule
 * holds across nodes. The common refresh ({@link #rotateAtOnce}) is one statement on PostgreSQL
 * and a group commit with concurrent ones on H2; {@link #rotate} is the general transaction, which
 * also tells why a token was refused.
 */
public final class RefreshTokenStore implements AutoCloseable {
    static final String COLUMNS = "token_hash, family_id, client_id, user_id, grant_type, scope, audience,"
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

    /** A token that can be used now: not used before, not revoked, not expired (at the bound time). */
    private static final String USABLE = usable(null);
    /** Usable, the caller's, under one of its refresh-enabled grants (%s), its user (if any) active. */
    private static final String LIVE = "token_hash = ? AND client_id = ? AND grant_type IN (%s) AND " + USABLE
            + " AND (user_id IS NULL OR EXISTS (SELECT 1 FROM app_user u WHERE u.id = refresh_token.user_id"
            + " AND u.inactive = FALSE))";
    /**
     * Marks a token used (at the bound time). It stops having a purge time of its own: a replay of it
     * revokes the family for as long as the family lives, so it is deleted with its family.
     */
    private static final String MARK_USED = "used_at = ?, purge_after = NULL";
    private static final String SELECT_BY_HASH = "SELECT " + COLUMNS + " FROM refresh_token WHERE token_hash = ?";
    private static final String COPY_SESSION = "INSERT INTO auth_session (" + SessionStore.COLUMNS + ")"
            + " SELECT CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)), family_id, client_id, user_id, grant_type, scope,"
            + " audience, CAST(? AS BIGINT), CAST(? AS BIGINT), NULL, NULL FROM %s";
    private static final String COPY_REFRESH = "INSERT INTO refresh_token (" + COLUMNS + ", purge_after)"
            + " SELECT CAST(? AS VARCHAR(64)), family_id, client_id, user_id, grant_type, scope, audience,"
            + " CAST(? AS BIGINT), CAST(? AS BIGINT), NULL, NULL, CAST(? AS BIGINT) FROM %s";
    /** The used token's row (as %s) with its user's, so that nothing after the commit needs the database. */
    private static final String WITH_USER = "SELECT t.*, u.id AS u_id, u.version AS u_version, u.updated_at AS u_updated_at,"
            + " u.password_hash AS u_password_hash, u.resource AS u_resource FROM %s t"
            + " LEFT JOIN app_user u ON u.id = t.user_id";

    /** A token used by {@link #rotateAtOnce}, and its user as stored (null for a client's own token). */
    public record Used(RefreshTokenRecord token, StoredDocument user) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenStore.class);

    private final Jdbc jdbc;
    private volatile boolean writableCtes;
    /**
     * Where a rotation takes several statements (H2), concurrent ones are committed together: each
     * H2 commit writes the database file, so a commit per refresh would hold refreshes to the pace of
     * those writes. PostgreSQL rotates in one statement of its own and starts these writers only if
     * it refuses data-modifying WITH clauses.
     */
    private final GroupCommit<RotationArgs, Optional<Used>> rotations;

    /**
     * @param writableCtes the database runs data-modifying WITH clauses (PostgreSQL), so a rotation
     *                     and its successor's rows can be one statement; a database that refuses
     *                     them (some PostgreSQL-compatible ones) gets the transaction instead
     */
    public RefreshTokenStore(Jdbc jdbc, boolean writableCtes) {
        this.jdbc = jdbc;
        this.writableCtes = writableCtes;
        this.rotations = new GroupCommit<>("refresh-writer", jdbc, 2, RefreshTokenStore::rotateAll);
    }

    public Optional<RefreshTokenRecord> find(String tokenHash) {
        return jdbc.queryOne(SELECT_BY_HASH, RefreshTokenStore::map, tokenHash);
    }

    /**
     * Uses the refresh token with this hash once: in one transaction, marks it used if it is live,
     * lets the caller check it, and records its successor. A token used before revokes its family.
     */
    public Rotation rotate(String tokenHash, long now, Successor successor) {
        return jdbc.inTransaction(c -> {
            int won = Jdbc.update(c, "UPDATE refresh_token SET " + MARK_USED + " WHERE token_hash = ? AND " + USABLE,
                    now, tokenHash, now);
            Optional<RefreshTokenRecord> row = first(Jdbc.query(c, SELECT_BY_HASH, RefreshTokenStore::map, tokenHash));
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
     * one round trip, that proves single use, rotates and stores; elsewhere a few statements in a
     * transaction shared with concurrent rotations. Empty when any condition fails or
     * the database aborted the statement for a conflict: nothing changed, and {@link #rotate} can
     * tell why.
     */
    public Optional<Used> rotateAtOnce(String tokenHash, String clientId, Set<String> grantTypes, NextRows next) {
        String live = LIVE.formatted(Jdbc.placeholders(grantTypes.size()));
        List<Object> update = new ArrayList<>(List.of(next.now(), tokenHash, clientId));
        update.addAll(grantTypes);
        update.add(next.now());
        Object[] sessionArgs = {next.sessionId(), next.accessTokenHash(), next.now(), next.accessExpiresAt()};
        Object[] refreshArgs = {next.refreshHash(), next.now(), next.refreshExpiresAt(), next.refreshExpiresAt()};
        if (writableCtes) {
            String sql = "WITH used AS (UPDATE refresh_token SET " + MARK_USED + " WHERE " + live + " RETURNING " + COLUMNS + "),"
                    + " s AS (" + COPY_SESSION.formatted("used") + "), r AS (" + COPY_REFRESH.formatted("used") + ") "
                    + WITH_USER.formatted("used");
            List<Object> args = new ArrayList<>(update);
            args.addAll(Arrays.asList(sessionArgs));
            args.addAll(Arrays.asList(refreshArgs));
            try {
                return jdbc.queryOne(sql, RefreshTokenStore::mapUsed, args.toArray());
            } catch (StoreException e) {
                if (Jdbc.retryable(e)) {
                    return Optional.empty();
                }
                if (!"0A000".equals(Jdbc.sqlState(e))) {
                    throw e;
                }
                LOG.warn("the database does not run data-modifying WITH clauses ({}); refreshes use a transaction",
                        e.getMessage());
                writableCtes = false;
            }
        }
        return rotations.write(new RotationArgs(live, update.toArray(), sessionArgs, refreshArgs, tokenHash));
    }

    /** The statements' arguments of one rotation on a database without data-modifying WITH clauses. */
    private record RotationArgs(String live, Object[] update, Object[] sessionArgs, Object[] refreshArgs,
                                String tokenHash) {
    }

    private static List<Optional<Used>> rotateAll(Connection c, List<RotationArgs> batch) throws SQLException {
        return GroupCommit.inLockOrder(batch, RotationArgs::tokenHash, r -> rotateOn(c, r));
    }

    private static Optional<Used> rotateOn(Connection c, RotationArgs r) throws SQLException {
        if (Jdbc.update(c, "UPDATE refresh_token SET " + MARK_USED + " WHERE " + r.live(), r.update()) == 0) {
            return Optional.empty();
        }
        String used = "refresh_token WHERE token_hash = ?";
        Jdbc.update(c, COPY_SESSION.formatted(used), append(r.sessionArgs(), r.tokenHash()));
        Jdbc.update(c, COPY_REFRESH.formatted(used), append(r.refreshArgs(), r.tokenHash()));
        return first(Jdbc.query(c, WITH_USER.formatted("refresh_token") + " WHERE t.token_hash = ?",
                RefreshTokenStore::mapUsed, r.tokenHash()));
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }

    /** {@link #USABLE}, its columns qualified by {@code table} when not null (inside another table's statement). */
    static String usable(String table) {
        String t = table == null ? "" : table + ".";
        return t + "used_at IS NULL AND " + t + "revoked_at IS NULL AND (" + t + "expires_at IS NULL OR " + t
                + "expires_at > ?)";
    }

    /**
     * Deletes the families whose current token expired, or that were revoked, before {@code cutoff}:
     * their rows past {@code purge_after} and their used tokens, up to about {@code limit} families'
     * worth at once; returns the rows deleted. A family's used tokens are kept as long as the family
     * lives, so that a replay of any of them still revokes it; once deleted, a replay is refused as
     * unknown. A family whose tokens never expire is kept until it is revoked.
     */
    public int deleteExpired(long cutoff, int limit) {
        // A due row means its family has no usable token left (one current token per family; an
        // expired or revoked one cannot be rotated), so nothing can revive the family in between.
        return jdbc.deleteBatch("refresh_token", "family_id", "purge_after", "purge_after < ?",
                "(purge_after < ? OR (purge_after IS NULL AND used_at IS NOT NULL))", limit, cutoff);
    }

    /** Revokes every refresh token of the family and ends its sessions; returns the sessions ended. */
    public List<SessionRecord> revokeFamily(String familyId, long now) {
        return jdbc.inTransaction(c -> Families.revoke(c, familyId, now));
    }

    /** Finishes the rotations queued for a group commit, then stops its writers. */
    @Override
    public void close() {
        rotations.close();
    }

    static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static Used mapUsed(ResultSet rs) throws SQLException {
        String userId = rs.getString("u_id");
        StoredDocument user = userId == null ? null : new StoredDocument(userId, rs.getLong("u_version"),
                rs.getLong("u_updated_at"), rs.getString("u_password_hash"), rs.getString("u_resource"));
        return new Used(map(rs), user);
    }

    static RefreshTokenRecord map(ResultSet rs) throws SQLException {
        return new RefreshTokenRecord(rs.getString("token_hash"), rs.getString("family_id"), rs.getString("client_id"),
                rs.getString("user_id"), rs.getString("grant_type"), rs.getString("scope"), rs.getString("audience"),
                rs.getLong("created_at"), Jdbc.nullableLong(rs, "expires_at"), Jdbc.nullableLong(rs, "used_at"),
                Jdbc.nullableLong(rs, "revoked_at"));
    }

}
