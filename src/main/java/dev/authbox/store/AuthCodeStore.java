package dev.authbox.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Authorization codes. Redemption marks the code used with one conditional UPDATE, so exactly one
 * of several concurrent redemptions wins, on any number of nodes; a replay revokes what the code
 * issued. Redemptions are committed together with concurrent ones ({@link #redeemAtOnce}); one
 * that finds its code no longer live learns why from {@link #refusal}.
 */
public final class AuthCodeStore implements AutoCloseable {
    private static final String COLUMNS = "code_hash, family_id, client_id, user_id, sso_id, redirect_uri, redirect_given,"
            + " scope, nonce, code_challenge, auth_time, created_at, expires_at, used_at";

    /** Why a presented code was not redeemed. */
    public sealed interface Refusal {
        /** Used before: what it issued is revoked now. */
        record Replayed(List<SessionRecord> endedSessions) implements Refusal {
        }

        /** Unknown or expired: nothing changed. */
        record Refused(String reason) implements Refusal {
        }
    }

    private static final String INSERT = "INSERT INTO auth_code (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ?, ?)";

    private static final String SELECT_BY_HASH = "SELECT " + COLUMNS + " FROM auth_code WHERE code_hash = ?";
    private static final String MARK_USED = "UPDATE auth_code SET used_at = ? WHERE code_hash = ? AND used_at IS NULL"
            + " AND expires_at > ?";

    /** One redemption whose checks passed: the code and what it issues. */
    private record Redeeming(String codeHash, long now, RefreshTokenStore.Issue issue) {
    }

    private final Jdbc jdbc;
    /** Codes of concurrent authorizations are committed together: on H2 each commit writes the file. */
    private final GroupCommit<AuthCodeRecord, Void> inserts;
    /** So are concurrent redemptions, with the tokens they issue. */
    private final GroupCommit<Redeeming, Boolean> redemptions;

    public AuthCodeStore(Jdbc jdbc) {
        this.jdbc = jdbc;
        this.inserts = GroupCommit.ofRows("code-writer", jdbc, 2, AuthCodeStore::insertAll);
        this.redemptions = new GroupCommit<>("redeem-writer", jdbc, 2, AuthCodeStore::redeemAll);
    }

    /** The code as stored, used or not. */
    public Optional<AuthCodeRecord> find(String codeHash) {
        return jdbc.queryOne(SELECT_BY_HASH, AuthCodeStore::map, codeHash);
    }

    /**
     * Marks the code used and records what it issues, committed together with concurrent
     * redemptions, if the code is still unused and unexpired at {@code now}; the caller checked the
     * code (client, redirect URI, verifier) from {@link #find} before, on columns that never change.
     * False when the code was no longer live: nothing changed, and {@link #refusal} tells why (and
     * revokes what a replayed code issued).
     */
    public boolean redeemAtOnce(String codeHash, long now, RefreshTokenStore.Issue issue) {
        return redemptions.write(new Redeeming(codeHash, now, issue));
    }

    private static List<Boolean> redeemAll(Connection c, List<Redeeming> batch) throws SQLException {
        List<Boolean> won = GroupCommit.inLockOrder(batch, Redeeming::codeHash,
                r -> Jdbc.update(c, MARK_USED, r.now(), r.codeHash(), r.now()) == 1);
        List<RefreshTokenStore.Issue> issued = IntStream.range(0, batch.size()).filter(won::get)
                .mapToObj(i -> batch.get(i).issue()).toList();
        if (!issued.isEmpty()) {
            TokenIssueStore.insertAll(c, issued);
        }
        return won;
    }

    /** Stores the code; returns once it is committed. */
    public void insert(AuthCodeRecord code) {
        inserts.write(code);
    }

    private static void insertAll(Connection c, List<AuthCodeRecord> codes) throws SQLException {
        Jdbc.batch(c, INSERT, codes.stream().map(code -> new Object[] {code.codeHash(), code.familyId(), code.clientId(),
            code.userId(), code.ssoId(), code.redirectUri(), code.redirectGiven(), code.scope(), code.nonce(),
            code.codeChallenge(), code.authTime(), code.createdAt(), code.expiresAt(), code.usedAt()}).toList());
    }

    /** Finishes the inserts and redemptions queued for a group commit, then stops their writers. */
    @Override
    public void close() {
        inserts.close();
        redemptions.close();
    }

    /**
     * Why a code that {@link #redeemAtOnce} found no longer live (unused and unexpired at
     * {@code now}) was refused; a used one's replay revokes every token it issued.
     */
    public Refusal refusal(String codeHash, long now) {
        return jdbc.inTransaction(c -> {
            Optional<AuthCodeRecord> row = RefreshTokenStore.first(Jdbc.query(c, SELECT_BY_HASH, AuthCodeStore::map, codeHash));
            if (row.isEmpty()) {
                return new Refusal.Refused("unknown authorization code");
            }
            if (row.get().usedAt() != null) {
                return new Refusal.Replayed(Families.revoke(c, row.get().familyId(), now));
            }
            if (row.get().expiresAt() <= now) {
                return new Refusal.Refused("authorization code expired");
            }
            throw new IllegalStateException("a live authorization code was refused");
        });
    }

    /**
     * Deletes up to {@code limit} codes that expired before {@code cutoff}; until then a used code's
     * replay revokes what it issued.
     */
    public int deleteExpired(long cutoff, int limit) {
        return jdbc.deleteBatch("auth_code", "code_hash", "created_at", "created_at < ? AND expires_at < ?", limit,
                cutoff, cutoff);
    }

    private static AuthCodeRecord map(ResultSet rs) throws SQLException {
        return new AuthCodeRecord(rs.getString("code_hash"), rs.getString("family_id"), rs.getString("client_id"),
                rs.getString("user_id"), rs.getString("sso_id"), rs.getString("redirect_uri"), rs.getBoolean("redirect_given"),
                rs.getString("scope"), rs.getString("nonce"), rs.getString("code_challenge"), rs.getLong("auth_time"),
                rs.getLong("created_at"), rs.getLong("expires_at"), Jdbc.nullableLong(rs, "used_at"));
    }
}
